import type { FeedItem } from './feed.model.js';

/** One Server-Sent Events message (WHATWG HTML, "Server-sent events", the event stream format). */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  /** Milliseconds EventSource waits before reconnecting. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Frames one message. Every line of `data` gets its own `data:` field (a raw CR or LF would end the
 * field early and let the rest be read as other fields); `id` and `event` are single-line by
 * nature, so a line break in them is a programming error, and an `id` with NUL is ignored by
 * EventSource, so it is refused too.
 */
export function sseFrame(message: SseMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${singleLine(message.id, 'id')}\n`;
  if (message.event !== undefined) out += `event: ${singleLine(message.event, 'event')}\n`;
  if (message.retry !== undefined) {
    if (!Number.isSafeInteger(message.retry) || message.retry < 0)
      throw new RangeError(`retry must be a whole number of milliseconds, not ${message.retry}`);
    out += `retry: ${message.retry}\n`;
  }
  if (message.data !== undefined) for (const line of message.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function singleLine(value: string, field: string): string {
  if (LINE_BREAK.test(value) || value.includes('\0'))
    throw new RangeError(`an SSE ${field} must be one line without NUL`);
  return value;
}

/** A comment line: ignored by clients, keeps proxies and load balancers from closing an idle stream. */
export function sseComment(text: string): string {
  return `${text
    .split(LINE_BREAK)
    .map((line) => `: ${line}`)
    .join('\n')}\n\n`;
}

export const HEARTBEAT = sseComment('heartbeat');

/**
 * A feed change as an SSE message: `id` = its position (EventSource sends it back as
 * `Last-Event-ID`), `event` = the CloudEvent type (so `addEventListener(type)` works), `data` = the
 * CloudEvent in the JSON event format, attributes and data together.
 */
export function feedItemFrame(item: FeedItem): string {
  return sseFrame({ id: String(item.position), event: item.event.type, data: JSON.stringify(item.event) });
}

export type DisconnectReason = 'too-slow' | 'shutdown' | 'feed-unavailable';

/**
 * The last message before the server closes a stream: why, and the position to resume after. Its
 * `id` is that position, so EventSource's own reconnect sends it as `Last-Event-ID` and misses
 * nothing.
 */
export function disconnectFrame(reason: DisconnectReason, lastPosition: number): string {
  return sseFrame({
    id: String(lastPosition),
    event: 'disconnect',
    data: JSON.stringify({ reason, lastPosition }),
  });
}

/**
 * The response headers of an event stream: never cached or transformed, and not buffered by an
 * nginx-style proxy in front (`X-Accel-Buffering`), or changes would arrive in lumps.
 */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;
