import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG, type ConsoleConfig } from './console.config.js';
import { waterfallOf, type Waterfall } from './waterfall.rules.js';

export interface ServiceStatus {
  name: string;
  baseUrl: string;
  /** `up` when its readiness answered 200; else why not. */
  ready: boolean;
  detail: string;
  version?: string;
  checks?: Record<string, string>;
  /** Events pending in each outbox store, as its /metrics says (`lgsp_outbox_backlog`). */
  outboxBacklog?: Record<string, number>;
}

export type TraceLookup =
  | { kind: 'not-configured' }
  | { kind: 'found'; waterfall: Waterfall; url: string }
  | { kind: 'not-found'; url: string }
  | { kind: 'unavailable'; url: string; detail: string };

const TIMEOUT_MS = 3_000;
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * What the console asks of other parts over HTTP: each service's readiness, version and outbox
 * backlog (their public /health/ready and /metrics: no reach into their stores), and the trace
 * backend's spans of a trace.
 */
@Injectable()
export class PlatformStatus {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  get traceBackendConfigured(): boolean {
    return this.config.traceQueryUrl !== undefined;
  }

  services(): Promise<ServiceStatus[]> {
    return Promise.all(this.config.services.map((s) => this.statusOf(s)));
  }

  async trace(traceId: string): Promise<TraceLookup> {
    const base = this.config.traceQueryUrl;
    if (!base) return { kind: 'not-configured' };
    const url = `${base}/api/traces/${encodeURIComponent(traceId)}`;
    try {
      const answer = await fetch(url, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { accept: 'application/json' },
      });
      if (answer.status === 404) return { kind: 'not-found', url };
      if (!answer.ok) return { kind: 'unavailable', url, detail: `it answered ${answer.status}` };
      const text = await answer.text();
      if (text.length > MAX_ANSWER_BYTES)
        return { kind: 'unavailable', url, detail: 'the trace is too large to show' };
      const waterfall = waterfallOf(JSON.parse(text));
      return waterfall ? { kind: 'found', waterfall, url } : { kind: 'not-found', url };
    } catch (err) {
      return { kind: 'unavailable', url, detail: (err as Error).message };
    }
  }

  private async statusOf(service: { name: string; baseUrl: string }): Promise<ServiceStatus> {
    const prefix = `${service.baseUrl}/${service.name}`;
    const [ready, metrics] = await Promise.all([get(`${prefix}/health/ready`), get(`${prefix}/metrics`)]);
    const status: ServiceStatus = { ...service, ready: false, detail: '' };
    if ('error' in ready) status.detail = `not answering: ${ready.error}`;
    else {
      let body: { status?: string; version?: string; checks?: Record<string, string>; detail?: string } = {};
      try {
        body = JSON.parse(ready.text) as typeof body;
      } catch {
        // not JSON: the status code says enough
      }
      status.ready = ready.status === 200;
      status.detail = status.ready ? 'ready' : (body.detail ?? `readiness answered ${ready.status}`);
      if (typeof body.version === 'string') status.version = body.version;
      if (body.checks && typeof body.checks === 'object') status.checks = body.checks;
    }
    if (!('error' in metrics) && metrics.status === 200) status.outboxBacklog = outboxBacklogOf(metrics.text);
    return status;
  }
}

async function get(url: string): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await answer.text();
    return { status: answer.status, text: text.slice(0, MAX_ANSWER_BYTES) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** `lgsp_outbox_backlog{store="requests"} 3` lines of a Prometheus text exposition, by store. */
export function outboxBacklogOf(exposition: string): Record<string, number> {
  const backlog: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    const m = /^lgsp_outbox_backlog\{[^}]*store="([^"]*)"[^}]*\}\s+(\S+)/.exec(line);
    if (m && Number.isFinite(Number(m[2]))) backlog[m[1]!] = Number(m[2]);
  }
  return backlog;
}
