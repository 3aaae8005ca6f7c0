import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { fromNatsMessage } from '@openlgsp/events';
import { FEED_STREAM, type FeedFilter, type FeedItem } from './feed.model.js';
import { matchesFilter } from './position.rules.js';

export interface RecentOptions {
  /** Changes returned at most (the newest ones). */
  limit: number;
  filter: FeedFilter;
  /** Stream messages looked at, back from the end: bounds the cost of a narrow filter. */
  scan?: number;
  stream?: string;
}

/** The newest changes on the feed, oldest first (for the Atom feed): read back from the stream's end. */
export async function recentFeedItems(js: JetStreamClient, options: RecentOptions): Promise<FeedItem[]> {
  const stream = options.stream ?? FEED_STREAM;
  const scan = options.scan ?? 1_000;
  const jsm = await js.jetstreamManager();
  const { first_seq: first, last_seq: last, messages } = (await jsm.streams.info(stream)).state;
  if (messages === 0) return [];
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(first, last - scan + 1),
  });
  const items: FeedItem[] = [];
  try {
    const batch = await consumer.fetch({ max_messages: scan, expires: 2_000 });
    for await (const m of batch) {
      try {
        const event = fromNatsMessage(m.headers, m.data);
        if (matchesFilter(options.filter, event)) {
          items.push({ position: m.seq, event });
          if (items.length > options.limit) items.shift();
        }
      } catch {
        // Not a CloudEvent: not on the feed.
      }
      if (m.seq >= last || m.info.pending === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return items;
}
