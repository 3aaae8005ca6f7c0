import { fail, ok, type Result } from '@openlgsp/domain';

/** What the operator typed: a trace id, or the id of what the events are about (request, dataset, incident…). */
export type FlowQuery = { kind: 'trace'; traceId: string } | { kind: 'subject'; id: string };

const TRACE_ID = /^[0-9a-f]{32}$/i;
const RESOURCE_ID = /^[A-Za-z0-9._:#-]{1,200}$/;

export function flowQuery(text: unknown): Result<FlowQuery> {
  const q = typeof text === 'string' ? text.trim() : '';
  if (!q)
    return fail('invalid', 'query-required', 'give a trace id, a request, dataset or incident id', {
      path: '?q',
    });
  if (TRACE_ID.test(q)) return ok({ kind: 'trace', traceId: q.toLowerCase() });
  if (RESOURCE_ID.test(q)) return ok({ kind: 'subject', id: q });
  return fail(
    'invalid',
    'bad-query',
    'an id is 1 to 200 letters, digits and . _ : # - (a trace id is 32 hexadecimal digits)',
    { path: '?q' },
  );
}

/** One business event of a flow, as the trail recorded it. */
export interface FlowEvent {
  seq: number;
  recordedAt: string;
  eventTime?: string;
  type?: string;
  source?: string;
  subject?: string;
  agency?: string;
  actor?: string;
  traceId?: string;
  stream: string;
}

/** The service or agency that emitted it: `/openlgsp/sharing` → sharing, `/agencies/SXD/…` → agency SXD. */
export function emitterOf(source: string | undefined): string {
  if (!source) return 'unknown';
  const platform = /^\/openlgsp\/([^/]+)/.exec(source);
  if (platform) return platform[1]!;
  const agency = /^\/agencies\/([^/]+)/.exec(source);
  return agency ? `agency ${agency[1]}` : source;
}

/**
 * In the order they happened across services: by the event's own time, the trail's order breaking ties
 * (streams are recorded side by side, so the sequence alone would interleave them by arrival).
 */
export function inOrder<T extends FlowEvent>(events: T[]): T[] {
  const at = (e: FlowEvent) => Date.parse(e.eventTime ?? e.recordedAt) || 0;
  return [...events].sort((a, b) => at(a) - at(b) || a.seq - b.seq);
}

/** The traces a flow touches, in the order first met, at most `max` of them. */
export function tracesOf(events: FlowEvent[], max: number): string[] {
  const seen: string[] = [];
  for (const e of events)
    if (e.traceId && !seen.includes(e.traceId) && seen.length < max) seen.push(e.traceId);
  return seen;
}
