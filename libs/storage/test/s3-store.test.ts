import assert from 'node:assert/strict';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { startS3, type S3Server } from '@openlgsp/testing';
import { objectStoreFromEnv, S3ObjectStore, TooLargeError } from '../src/index.js';
import { describeObjectStore, generated, sha256 } from './object-store.contract.js';

let s3: S3Server;
let store: S3ObjectStore;
let small: S3ObjectStore;

before(async () => {
  s3 = await startS3();
  const connection = {
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  store = new S3ObjectStore({ ...connection, prefix: 'main' });
  small = new S3ObjectStore({ ...connection, prefix: 'small', maxBytes: 2048 });
});

after(async () => {
  store?.close();
  small?.close();
  await s3?.stop();
});

async function pendingUploads(): Promise<string[]> {
  const out = await store.client
    .send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))
    .catch((error: unknown) => {
      // gofakes3 answers NoSuchUpload to a bucket that never had a multipart upload
      if ((error as Error).name === 'NoSuchUpload') return { Uploads: [] };
      throw error;
    });
  return (out.Uploads ?? []).map((upload) => `multipart upload of ${upload.Key}`);
}

describeObjectStore('s3 (gofakes3)', () => ({
  store: () => store,
  smallStore: () => small,
  leftovers: pendingUploads,
}));

describe('s3: multipart and configuration', () => {
  test('a file of several parts is uploaded in parts and read back whole', async () => {
    // 12 MiB: three parts of 5 MiB at most
    const stored = await store.put('multipart.bin', generated(12, 1024 * 1024));
    assert.equal(stored.bytes, 12 * 1024 * 1024);
    const expected = Buffer.concat(
      Array.from({ length: 12 }, (_, i) => Buffer.alloc(1024 * 1024, 0x61 + ((i + 1) % 26))),
    );
    assert.equal(stored.sha256, sha256(expected));
    const got = await store.get('multipart.bin', {
      range: { start: 5 * 1024 * 1024 - 2, end: 5 * 1024 * 1024 + 1 },
    });
    assert.equal(got?.length, 4);
    assert.equal(
      await text(got!.stream),
      expected.subarray(5 * 1024 * 1024 - 2, 5 * 1024 * 1024 + 2).toString(),
    );
  });

  test('past the bound after parts were sent: the multipart upload is aborted, nothing is left', async () => {
    await assert.rejects(
      store.put('aborted.bin', generated(14, 1024 * 1024), { maxBytes: 11 * 1024 * 1024 }),
      TooLargeError,
    );
    assert.equal(await store.head('aborted.bin'), undefined);
    assert.deepEqual(await pendingUploads(), []);
  });

  // (head() cannot tell: a HEAD answer carries no error code, only its 404.)
  test('a missing bucket is a fault for get and put, not an absent object', async () => {
    const lost = new S3ObjectStore({
      bucket: 'no-such-bucket',
      endpoint: s3.endpoint,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      await assert.rejects(lost.get('x'), /NoSuchBucket|bucket/i);
      const source = generated(8, 1024 * 1024); // more than a part: the failure comes midway
      await assert.rejects(lost.put('x', source), /NoSuchBucket|bucket/i);
      assert.equal(source.destroyed, false);
    } finally {
      lost.close();
    }
  });

  test('keys live under the prefix, so services can share a bucket', async () => {
    await store.put('prefixed.txt', generated(1, 10));
    const listed = await store.client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'main/prefixed' }),
    );
    assert.deepEqual(
      listed.Contents?.map((object) => object.Key),
      ['main/prefixed.txt'],
    );
  });

  test('objectStoreFromEnv() speaks to the server named by S3_*', async () => {
    const fromEnv = objectStoreFromEnv({
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    try {
      await fromEnv.put('from-env.txt', generated(1, 5));
      assert.equal(await store.head('from-env.txt'), undefined, 'the store under test has its own prefix');
      assert.equal((await fromEnv.head('from-env.txt'))?.bytes, 5);
    } finally {
      fromEnv.close();
    }
  });
});
