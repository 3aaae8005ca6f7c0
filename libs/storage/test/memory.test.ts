import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test, type TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startS3, type S3Server } from '@openlgsp/testing';
import { FolderObjectStore, S3ObjectStore, type ObjectStore } from '../src/index.js';

// A collection before each reading, so that it counts what the upload holds, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const live = (): number => {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

const MiB = 1024 * 1024;
const FILE_BYTES = 60 * MiB;
const CHUNK = 64 * 1024;

/**
 * FILE_BYTES of varied bytes made as they are read (never whole in memory), hashed on the way;
 * `peak` is the most memory in use, measured every MiB, above what was in use at the start.
 */
function upload(): { source: Readable; sha256: () => string; peak: () => number } {
  const hash = createHash('sha256');
  const baseline = live();
  let peak = 0;
  let sent = 0;
  const source = new Readable({
    read() {
      if (sent >= FILE_BYTES) return void this.push(null);
      if (sent % MiB === 0) peak = Math.max(peak, live() - baseline);
      const chunk = Buffer.alloc(CHUNK, (sent / CHUNK) % 251);
      chunk.writeUInt32BE(sent, 0);
      sent += CHUNK;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { source, sha256: () => hash.digest('hex'), peak: () => peak };
}

async function uploadsInBoundedMemory(t: TestContext, store: ObjectStore): Promise<void> {
  const { source, sha256, peak } = upload();
  const stored = await store.put('large/60mb.bin', source, { contentType: 'application/octet-stream' });
  assert.equal(stored.bytes, FILE_BYTES);
  assert.equal(stored.sha256, sha256());
  assert.equal((await store.head('large/60mb.bin'))?.bytes, FILE_BYTES);
  t.diagnostic(`peak memory growth ${(peak() / MiB).toFixed(1)} MiB for a ${FILE_BYTES / MiB} MiB file`);
  assert.ok(
    peak() < FILE_BYTES / 3,
    `expected the upload to hold far less than the file (${FILE_BYTES / MiB} MiB); it held ${(peak() / MiB).toFixed(1)} MiB`,
  );
}

describe('a 60 MiB upload is streamed, never held whole in memory', () => {
  let dir: string;
  let s3: S3Server;
  let s3Store: S3ObjectStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lgsp-storage-memory-'));
    s3 = await startS3();
    s3Store = new S3ObjectStore({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });

  after(async () => {
    s3Store?.close();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('to a folder', (t) => uploadsInBoundedMemory(t, new FolderObjectStore(dir)));

  test('to S3, in parts', (t) => uploadsInBoundedMemory(t, s3Store));
});
