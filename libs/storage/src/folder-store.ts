import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkContentType, checkKey } from './keys.js';
import {
  checkMaxBytes,
  DEFAULT_MAX_BYTES,
  meterSource,
  type FetchedObject,
  type GetOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';
import { resolveRange } from './range.js';

/** What the folder store keeps beside each object (the file system keeps no content type). */
interface Sidecar {
  contentType: string;
  sha256: string;
  bytes: number;
}

const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException)?.code === 'ENOENT' || (error as NodeJS.ErrnoException)?.code === 'ENOTDIR';

/**
 * Objects as files in one folder (for one instance; replicas need S3):
 *   <root>/objects/<key>       the content, as uploaded
 *   <root>/meta/<key>.json     its content type, size and SHA-256
 *   <root>/tmp/                uploads in progress (same file system, so a rename is atomic)
 * An upload goes to a temporary file, is flushed to disk, then renamed over the object: a
 * reader sees the old content or the new, never a part. The sidecar is renamed first, so for a
 * moment during a replacement a reader may see the new type with the old bytes; its ETag then
 * falls back to size and time (keys that name their content, e.g. by SHA-256, never see this).
 */
export class FolderObjectStore implements ObjectStore {
  private readonly objects: string;
  private readonly meta: string;
  private readonly tmp: string;

  constructor(
    readonly root: string,
    readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {
    checkMaxBytes(maxBytes);
    this.objects = join(root, 'objects');
    this.meta = join(root, 'meta');
    this.tmp = join(root, 'tmp');
  }

  async put(
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    checkKey(key);
    const contentType = checkContentType(options.contentType);
    const maxBytes = checkMaxBytes(options.maxBytes ?? this.maxBytes);
    await mkdir(this.tmp, { recursive: true });
    const part = join(this.tmp, randomUUID());
    try {
      const meter = meterSource(source, maxBytes);
      // flush: fsync before close, so the rename below never publishes bytes still in the page cache.
      await pipeline(meter, createWriteStream(part, { flags: 'wx', flush: true }));
      const stored: StoredObject = { key, bytes: meter.bytes, sha256: meter.sha256(), contentType };
      const sidecar: Sidecar = { contentType, sha256: stored.sha256, bytes: stored.bytes };
      await writeFile(`${part}.json`, JSON.stringify(sidecar), { flag: 'wx', flush: true });
      await mkdir(dirname(this.metaPath(key)), { recursive: true });
      await mkdir(dirname(this.objectPath(key)), { recursive: true });
      await rename(`${part}.json`, this.metaPath(key));
      await rename(part, this.objectPath(key));
      return stored;
    } finally {
      await Promise.all([rm(part, { force: true }), rm(`${part}.json`, { force: true })]);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<FetchedObject | undefined> {
    checkKey(key);
    // Open first: the content read is that of one version, even if a put() replaces it meanwhile.
    const file = await open(this.objectPath(key), 'r').catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (!file) return undefined;
    try {
      const stats = await file.stat();
      const info = await this.describe(key, stats.size, stats.mtime);
      const range = options.range ? resolveRange(options.range, info.bytes) : undefined;
      const stream = file.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { ...info, stream, range, length: range ? range.end - range.start + 1 : info.bytes };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    checkKey(key);
    const stats = await stat(this.objectPath(key)).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    return stats ? this.describe(key, stats.size, stats.mtime) : undefined;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await rm(this.objectPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  close(): void {
    // nothing held open between calls
  }

  private async describe(key: string, bytes: number, lastModified: Date): Promise<ObjectInfo> {
    const sidecar = await readFile(this.metaPath(key), 'utf8').then(
      (text) => JSON.parse(text) as Sidecar,
      (error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      },
    );
    const current = sidecar?.bytes === bytes ? sidecar : undefined;
    return {
      key,
      bytes,
      contentType: sidecar?.contentType ?? 'application/octet-stream',
      etag: current
        ? `"${current.sha256}"`
        : `"${bytes.toString(16)}-${lastModified.getTime().toString(16)}"`,
      lastModified,
    };
  }

  private objectPath(key: string): string {
    return join(this.objects, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return `${join(this.meta, ...key.split('/'))}.json`;
  }
}
