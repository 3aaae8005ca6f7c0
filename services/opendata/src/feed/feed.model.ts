import type { LgspEvent } from '@openlgsp/events';

/** The change feed is the OPENDATA stream itself (ARCHITECTURE.md, "Subjects and streams"). */
export const FEED_STREAM = 'OPENDATA';

/**
 * The event types the public feed carries. An allow-list, not "everything on OPENDATA": feedback
 * events name the people who sent them and stay off the public feed. Changes to the public
 * sharing-service registry (public by 000 Điều 8.2) join here once opendata republishes them.
 */
export const FEED_EVENT_TYPES = [
  'vn.openlgsp.opendata.dataset.published.v1',
  'vn.openlgsp.opendata.dataset.updated.v1',
  'vn.openlgsp.opendata.dataset.retracted.v1',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

export function isFeedEventType(type: string): type is FeedEventType {
  return (FEED_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * One change on the feed: the CloudEvent and its position, the OPENDATA stream sequence. Positions
 * only grow; an app keeps the last one it handled and resumes after it.
 */
export interface FeedItem {
  position: number;
  event: LgspEvent;
}

/** What a feed reader asked for; an empty list means "any". Built by parseFeedFilter(). */
export interface FeedFilter {
  datasets: string[];
  publishers: string[];
  themes: string[];
  types: FeedEventType[];
}

export const ANY_CHANGE: FeedFilter = { datasets: [], publishers: [], themes: [], types: [] };

/**
 * Where a reader starts: right after a position it already has (`Last-Event-ID`, `since=<n>`), at a
 * time (`since=<RFC 3339>`: the first change at or after it), or from now on (`live`).
 */
export type ResumePoint =
  { kind: 'live' } | { kind: 'after'; position: number } | { kind: 'time'; time: string };

/** A JetStream ordered-consumer start option for a resume point. */
export type StartOption = { opt_start_seq: number } | { opt_start_time: string } | { deliver_new: true };
