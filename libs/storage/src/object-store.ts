import { Readable } from 'node:stream';
import type { ByteRange, ResolvedRange } from './range.js';
import { Metering } from './metering.js';

/** 200 MiB: the default bound of an upload (the opendata issue's 200 MB). */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export interface PutOptions {
  /** The bound of this upload; the store's own bound (STORAGE_MAX_BYTES) when absent. */
  maxBytes?: number;
  /** Stored and given back on get(); `application/octet-stream` when absent. */
  contentType?: string;
}

/** What put() stored, computed while streaming. */
export interface StoredObject {
  key: string;
  bytes: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  contentType: string;
}

export interface ObjectInfo {
  key: string;
  /** The whole object's size. */
  bytes: number;
  contentType: string;
  /** A strong validator, quoted as an HTTP ETag header wants it. */
  etag: string;
  lastModified: Date;
}

export interface GetOptions {
  range?: ByteRange;
}

export interface FetchedObject extends ObjectInfo {
  /** The content, or the range asked for. The reader consumes it (or destroys it). */
  stream: Readable;
  /** Set when a range was asked for: the bytes in `stream` (answer 206 with `contentRange(range, bytes)`). */
  range?: ResolvedRange;
  /** How many bytes `stream` carries (the Content-Length to answer with). */
  length: number;
}

/**
 * Where uploaded files live: a folder (one instance) or S3-compatible object storage (several
 * replicas). Keys are checked by checkKey(); content is streamed, never held whole in memory.
 */
export interface ObjectStore {
  /**
   * Streams `source` into the object `key` (replacing it once complete). Past `maxBytes` it stops,
   * leaves nothing behind (neither a partial object nor a replaced one) and throws TooLargeError.
   * The source is never destroyed by the store, so an HTTP handler can still answer 413.
   */
  put(key: string, source: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StoredObject>;
  /** The object, or a byte range of it; undefined if absent; RangeNotSatisfiableError outside it. */
  get(key: string, options?: GetOptions): Promise<FetchedObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; nothing happens when it is absent. */
  delete(key: string): Promise<void>;
  /** Lets go of connections (S3 client); the store is not used afterwards. */
  close(): void;
}

/**
 * Pipes the caller's source into a Metering. pipe(), not pipeline(): on failure the meter is
 * destroyed but the source only unpiped, so its owner (an HTTP request) can still be answered.
 */
export function meterSource(source: Readable | AsyncIterable<Uint8Array>, maxBytes: number): Metering {
  const readable = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const meter = new Metering(maxBytes);
  const onSourceError = (error: Error): void => {
    meter.destroy(error);
  };
  readable.once('error', onSourceError);
  meter.once('close', () => {
    readable.off('error', onSourceError);
    readable.unpipe(meter);
  });
  readable.pipe(meter);
  return meter;
}

export function checkMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
    throw new RangeError(`maxBytes must be a whole number ≥ 0, got ${maxBytes}`);
  return maxBytes;
}
