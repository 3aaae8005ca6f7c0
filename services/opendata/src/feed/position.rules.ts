import type { RuleViolation } from '@openlgsp/domain';
import type { LgspEvent } from '@openlgsp/events';
import {
  FEED_EVENT_TYPES,
  isFeedEventType,
  type FeedEventType,
  type FeedFilter,
  type ResumePoint,
  type StartOption,
} from './feed.model.js';

/** A parse that can fail on several fields at once, so a reader fixes them all in one go. */
export type Checked<T> = { ok: true; value: T } | { ok: false; violations: RuleViolation[] };

/** Bounds of a feed filter: one filter costs a check per event per client, so it stays small. */
export const FILTER_LIMITS = { valuesPerField: 20, valueLength: 100 } as const;
/** Positions are JetStream sequences (uint64); JavaScript numbers are exact up to 2^53. */
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

const POSITION = /^(0|[1-9][0-9]{0,15})$/;
// RFC 3339 date-time with a required offset (Z or ±hh:mm), optional fraction.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AGENCY_CODE = /^[A-Za-z0-9_-]{2,64}$/;
const THEME = /^[A-Z]{4}$/;

function invalid(code: string, message: string, path: string): RuleViolation {
  return { kind: 'invalid', code, message, path };
}

/**
 * Where an SSE reader starts. `Last-Event-ID` (sent by EventSource on reconnect) wins over `since`,
 * so a reconnecting client never goes back to the `since` of its first URL. Both positions mean
 * "after this one": an app stores the last position it handled and passes it back as is.
 */
export function parseResumePoint(input: { lastEventId?: string; since?: string }): Checked<ResumePoint> {
  const lastEventId = input.lastEventId?.trim();
  if (lastEventId) {
    const position = parsePosition(lastEventId);
    if (position === undefined)
      return {
        ok: false,
        violations: [
          invalid(
            'invalid-last-event-id',
            `Last-Event-ID must be a feed position (a whole number), not ${quote(lastEventId)}`,
            '/headers/last-event-id',
          ),
        ],
      };
    return { ok: true, value: { kind: 'after', position } };
  }
  const since = input.since?.trim();
  if (!since) return { ok: true, value: { kind: 'live' } };
  const position = parsePosition(since);
  if (position !== undefined) return { ok: true, value: { kind: 'after', position } };
  if (RFC3339.test(since)) {
    const time = new Date(since);
    if (!Number.isNaN(time.getTime())) return { ok: true, value: { kind: 'time', time: time.toISOString() } };
  }
  return {
    ok: false,
    violations: [
      invalid(
        'invalid-since',
        `since must be a feed position (a whole number) or an RFC 3339 time such as 2026-01-31T08:00:00Z, not ${quote(since)}`,
        '?since',
      ),
    ],
  };
}

function parsePosition(text: string): number | undefined {
  if (!POSITION.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_POSITION ? n : undefined;
}

/** The JetStream start option that delivers exactly what follows a resume point. */
export function startOptionOf(point: ResumePoint): StartOption {
  switch (point.kind) {
    case 'after':
      return { opt_start_seq: point.position + 1 };
    case 'time':
      return { opt_start_time: point.time };
    case 'live':
      return { deliver_new: true };
  }
}

type QueryValue = string | readonly string[] | undefined;

/**
 * A feed filter from query parameters (`dataset`, `publisher`, `theme`, `type`), each repeated or
 * comma-separated; also used for a webhook subscription's filter. Bounded in count and length.
 */
export function parseFeedFilter(query: {
  dataset?: QueryValue;
  publisher?: QueryValue;
  theme?: QueryValue;
  type?: QueryValue;
}): Checked<FeedFilter> {
  const violations: RuleViolation[] = [];
  const datasets = values(query.dataset, 'dataset', violations, (v) =>
    UUID.test(v) ? v.toLowerCase() : undefined,
  );
  const publishers = values(query.publisher, 'publisher', violations, (v) =>
    AGENCY_CODE.test(v) ? v : undefined,
  );
  const themes = values(query.theme, 'theme', violations, (v) =>
    THEME.test(v.toUpperCase()) ? v.toUpperCase() : undefined,
  );
  const types = values<FeedEventType>(query.type, 'type', violations, (v) => {
    // `dataset.published` is accepted for `vn.openlgsp.opendata.dataset.published.v1`.
    const full = v.startsWith('vn.') ? v : `vn.openlgsp.opendata.${v}.v1`;
    return isFeedEventType(full) ? full : undefined;
  });
  if (violations.length) return { ok: false, violations };
  return { ok: true, value: { datasets, publishers, themes, types } };
}

const EXPECTED: Record<string, string> = {
  dataset: 'a dataset id (UUID)',
  publisher: 'an agency code (letters, digits, - or _)',
  theme: 'an EU data-theme code such as EDUC',
  type: `one of ${FEED_EVENT_TYPES.join(', ')}`,
};

function values<T extends string>(
  raw: QueryValue,
  field: string,
  violations: RuleViolation[],
  accept: (value: string) => T | undefined,
): T[] {
  if (raw === undefined) return [];
  const list = (typeof raw === 'string' ? [raw] : raw)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (list.length > FILTER_LIMITS.valuesPerField) {
    violations.push(
      invalid(
        'too-many-values',
        `${field} takes at most ${FILTER_LIMITS.valuesPerField} values, got ${list.length}`,
        `?${field}`,
      ),
    );
    return [];
  }
  const out: T[] = [];
  list.forEach((v) => {
    const accepted = v.length <= FILTER_LIMITS.valueLength ? accept(v) : undefined;
    if (accepted === undefined)
      violations.push(
        invalid(`invalid-${field}`, `${field} must be ${EXPECTED[field]}, not ${quote(v)}`, `?${field}`),
      );
    else if (!out.includes(accepted)) out.push(accepted);
  });
  return out;
}

function quote(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

interface DatasetFacts {
  datasetId?: unknown;
  ownerAgency?: unknown;
  metadata?: { themes?: unknown };
}

/**
 * Whether a feed reader with this filter gets this event. Only feed event types ever match. A
 * retraction carries no themes, so it passes a theme filter: a reader that follows some themes
 * must still learn that a dataset it holds was withdrawn (it ignores retractions of others).
 */
export function matchesFilter(filter: FeedFilter, event: LgspEvent): boolean {
  if (!isFeedEventType(event.type)) return false;
  if (filter.types.length && !filter.types.includes(event.type)) return false;
  const data = (event.data ?? {}) as DatasetFacts;
  if (filter.datasets.length && !filter.datasets.includes(String(data.datasetId).toLowerCase())) return false;
  if (filter.publishers.length && !filter.publishers.includes(String(data.ownerAgency))) return false;
  if (filter.themes.length && event.type !== 'vn.openlgsp.opendata.dataset.retracted.v1') {
    const themes = Array.isArray(data.metadata?.themes) ? (data.metadata.themes as unknown[]) : [];
    if (!themes.some((t) => filter.themes.includes(String(t)))) return false;
  }
  return true;
}

/** `GET /opendata/feed`: its filter and resume point from the query and `Last-Event-ID`, all errors at once. */
export function parseFeedRequest(
  query: Parameters<typeof parseFeedFilter>[0] & { since?: string },
  lastEventId?: string,
): Checked<{ filter: FeedFilter; resume: ResumePoint }> {
  const filter = parseFeedFilter(query);
  const resume = parseResumePoint({ lastEventId, since: query.since });
  if (filter.ok && resume.ok) return { ok: true, value: { filter: filter.value, resume: resume.value } };
  return {
    ok: false,
    violations: [...(resume.ok ? [] : resume.violations), ...(filter.ok ? [] : filter.violations)],
  };
}
