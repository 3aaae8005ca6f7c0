import type { IncomingMessage } from 'node:http';

/** The most an over-limit body is read and discarded to let its 413 reach the caller (bytes). */
export const DRAIN_MAX_BYTES = 256 * 1024 * 1024;
const DRAIN_MAX_MS = 30_000;

/**
 * Reads and discards what is left of a request body that was refused before it was read (413, or a
 * 401 before an upload), so the answer reaches the caller. Node closes a connection whose request is
 * unread when the answer ends; a client or a proxy still sending then meets a reset instead of the
 * 413 (the gateway turned it into a 502). Bounded in bytes and time: past either, the connection
 * closes as before.
 */
export function drainUnreadBody(
  raw: IncomingMessage,
  maxBytes = DRAIN_MAX_BYTES,
  maxMs = DRAIN_MAX_MS,
): Promise<void> {
  if (raw.complete || raw.destroyed || raw.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes) finish();
    };
    const timer = setTimeout(finish, maxMs);
    timer.unref();
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('error', finish);
    raw.once('close', finish);
    raw.resume();
  });
}
