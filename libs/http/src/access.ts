import { Inject, Injectable, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Principal } from '@openlgsp/auth';
import { CLOCK, EventPublisher, createEvent, systemClock, type Clock } from '@openlgsp/events';
import { createLogger, injectTraceContext } from '@openlgsp/telemetry';
import { Counter, register } from 'prom-client';
import { SERVICE_NAME } from './problem.filter.js';
import { RefusalWindows, type RefusalWindowOptions } from './refusals.js';

export const ACCESS_RECORDED_TYPE = 'vn.openlgsp.audit.access.recorded.v1';
const ACCESS_RECORDED_SCHEMA = 'https://contracts.openlgsp.vn/events/audit/access.recorded.v1.json';

/** What a service saw of one call it answered; never credentials, query strings or bodies. */
export interface AccessRecord {
  method: string;
  /** The route template (`/catalogue/entries/:id`), or `unmatched`. */
  route: string;
  params: Record<string, unknown>;
  status: number;
  principal?: Principal;
  /** W3C traceparent/tracestate of the request, captured while its span was active. */
  trace: { traceparent?: string; tracestate?: string };
  durationMs: number;
  at: Date;
  /** The network address the call came from (reported for anonymous callers only). */
  address?: string;
  /** Identical refusals this record stands for (RefusalWindows); `since` is the first, `at` the last. */
  count?: number;
  since?: Date;
}

/** Refusals: unauthenticated, forbidden, or over a rate limit. */
const REFUSED = new Set([401, 403, 429]);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = new Set(['GET', 'HEAD', 'OPTIONS', ...STATE_CHANGING]);

/** 002 Điều 4.4: privileged calls and refusals are logged; reads that succeed are not. */
export function isAuditedCall(method: string, status: number): boolean {
  return STATE_CHANGING.has(method) || status === 401 || status === 403;
}

/** The access event's data: bounded, and only what the contract allows. */
export function accessData(service: string, record: AccessRecord) {
  const resourceIds = Object.fromEntries(
    Object.entries(record.params ?? {})
      .filter(([name, value]) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) && typeof value === 'string')
      .slice(0, 16)
      .map(([name, value]) => [name, (value as string).slice(0, 256)]),
  );
  const p = record.principal;
  return {
    service,
    method: METHODS.has(record.method) ? record.method : 'POST',
    route: (record.route || 'unmatched').slice(0, 512),
    ...(Object.keys(resourceIds).length ? { resourceIds } : {}),
    status: record.status,
    caller: p
      ? {
          anonymous: false,
          sub: p.sub.slice(0, 256),
          agency: p.agency,
          roles: p.roles.slice(0, 16),
          via: p.via,
        }
      : { anonymous: true, ...(record.address ? { address: record.address.slice(0, 64) } : {}) },
    durationMs: Math.max(0, Math.round(record.durationMs * 1000) / 1000),
    at: record.at.toISOString(),
    ...(record.count !== undefined && record.since
      ? { count: record.count, since: record.since.toISOString() }
      : {}),
  };
}

const refusals =
  (register.getSingleMetric('lgsp_access_refusals_total') as Counter<string>) ??
  new Counter({
    name: 'lgsp_access_refusals_total',
    help: 'Calls refused (401, 403, 429), each counted, also when reported within a count of identical refusals',
    labelNames: ['status', 'caller'],
  });

const reported =
  (register.getSingleMetric('lgsp_access_events_reported_total') as Counter<string>) ??
  new Counter({
    name: 'lgsp_access_events_reported_total',
    help: 'Access events published for the audit trail, by outcome (published, failed after every retry, dropped when too many wait)',
    labelNames: ['outcome'],
  });

/**
 * Reports privileged calls and refusals as access events (on `lgsp.audit.access.<service>`, this
 * service's own subject: its NATS user may publish no other), after the
 * answer is sent: a slow or absent NATS never delays or fails the call itself.
 */
@Injectable()
export class AccessReporter implements BeforeApplicationShutdown {
  private readonly logger;
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Waits between attempts: the call has long been answered, so retrying costs nobody a wait; the
   * schedule outlasts a NATS outage of about five minutes (a restart, a failover) before it is counted lost.
   */
  retryDelaysMs = [200, 1_000, 3_000, 5_000, ...Array<number>(29).fill(10_000)];
  /** Records waiting to be published at most: a NATS outage under load must not grow the heap without end. */
  maxWaiting = 10_000;
  private dropping = false;
  /** Anonymous refusals, counted per source so a flood cannot pad the trail (refusals.ts). */
  readonly refusals: RefusalWindows;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.logger = createLogger(service);
    // Real time, not the domain clock: a window is about how fast calls come.
    this.refusals = new RefusalWindows(refusalWindowOptionsFromEnv());
  }

  /** Fire and forget; `settled()` lets a test or a shutdown wait for what is in flight. */
  report(record: AccessRecord): void {
    if (REFUSED.has(record.status)) {
      refusals.inc({
        status: String(record.status),
        caller: record.principal ? 'authenticated' : 'anonymous',
      });
      if (!record.principal) {
        const alone = this.refusals.admit(record);
        this.sweep();
        if (!alone) return;
      } else delete record.address;
    } else delete record.address;
    this.sendInFlight(record);
  }

  private sendInFlight(record: AccessRecord): void {
    if (this.inFlight.size >= this.maxWaiting) {
      reported.inc({ outcome: 'dropped' });
      // Once per spell of dropping (the metric counts each): a flood must not flood the log too.
      if (!this.dropping)
        this.logger.warn({ waiting: this.inFlight.size }, 'access events lost: too many waiting for NATS');
      this.dropping = true;
      return;
    }
    const sending = this.send(record).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /** Reports the counts of the windows that ended; ticks while any source is being counted. */
  private sweep(all = false): void {
    for (const { record, count, since, until } of this.refusals.due(all))
      this.sendInFlight({ ...record, params: {}, count, since, at: until });
    if (this.refusals.size === 0 || all) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    } else if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(1_000, this.refusals.options.windowMs));
      this.sweeper.unref();
    }
  }

  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Calls answered just before a shutdown still reach the trail (bounded: a dead NATS must not hang it). */
  async beforeApplicationShutdown(): Promise<void> {
    this.sweep(true);
    await Promise.race([this.settled(), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }

  private async send(record: AccessRecord): Promise<void> {
    const data = accessData(this.service, record);
    const subject = Object.values(data.resourceIds ?? {})[0] ?? data.route;
    const event = createEvent(
      ACCESS_RECORDED_TYPE,
      data,
      {
        source: `/openlgsp/${this.service}`,
        subject,
        dataschema: ACCESS_RECORDED_SCHEMA,
        ...(record.principal?.agency ? { agency: record.principal.agency } : {}),
        ...(record.principal ? { actor: record.principal.sub } : {}),
      },
      this.clock,
    );
    // The request's own trace, not whatever context the hook happens to run in.
    delete event.traceparent;
    delete event.tracestate;
    if (record.trace.traceparent) event.traceparent = record.trace.traceparent;
    if (record.trace.tracestate) event.tracestate = record.trace.tracestate;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.publisher.publish(event);
        reported.inc({ outcome: 'published' });
        this.dropping = false;
        return;
      } catch (err) {
        if (attempt >= this.retryDelaysMs.length) {
          reported.inc({ outcome: 'failed' });
          this.logger.warn(
            { err, route: data.route, status: data.status },
            'access event lost: could not publish it',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, this.retryDelaysMs[attempt]));
      }
    }
  }
}

/** Captures the request's trace context while its span is active (for the access event sent later). */
export function captureTrace(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string | undefined> = {};
  injectTraceContext(carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/**
 * ACCESS_REFUSAL_WINDOW_MS (10 s) and ACCESS_REFUSALS_ALONE (5): per window, how many identical
 * anonymous refusals of one address are reported one by one before the rest are counted into one.
 */
export function refusalWindowOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RefusalWindowOptions {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`${name} must be a whole number ≥ ${min}, not ${raw}`);
    return n;
  };
  return {
    windowMs: int('ACCESS_REFUSAL_WINDOW_MS', 10_000, 100),
    alone: int('ACCESS_REFUSALS_ALONE', 5, 0),
    maxSources: 10_000,
  };
}
