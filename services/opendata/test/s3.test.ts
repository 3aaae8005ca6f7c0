import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { S3ObjectStore, type ObjectStore } from '@openlgsp/storage';
import { startS3, type S3Server } from '@openlgsp/testing';
import { manualClock, type ServiceUnderTest } from '@openlgsp/http/testing';
import { OBJECT_STORE } from '../src/config.js';
import { listEntry } from './catalogue-feed.js';
import { GOOD_CSV, schoolsMetadata, startOpendata, UPLOAD_LIMIT } from './service.js';

/** Uploads kept in S3-compatible object storage (as on Kubernetes), against a real S3 server. */
let sut: ServiceUnderTest;
let s3: S3Server;
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

before(async () => {
  s3 = await startS3();
  sut = await startOpendata(manualClock(new Date('2026-12-07T02:00:00Z')), {
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_PREFIX: 'opendata/',
  });
});
after(async () => {
  await sut?.stop();
  await s3?.stop();
});

describe('uploads to S3', () => {
  it('keeps a checked CSV under its SHA-256, and nothing of a file past the limit', async () => {
    assert.ok(sut.app.get<symbol, ObjectStore>(OBJECT_STORE) instanceof S3ObjectStore);
    const token = await sut.token('SGDDT', ['provider']);
    const entryId = await listEntry(sut.js, 'SGDDT');
    let created;
    for (let i = 0; ; i++) {
      created = await sut.request('POST', '/opendata/datasets', {
        token,
        body: { entryId, metadata: schoolsMetadata() },
      });
      if (created.status !== 404 || i > 100) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(created.status, 201);
    const put = (name: string, body: string | Buffer) =>
      fetch(`${sut.url}/opendata/datasets/${created.body.datasetId}/distributions/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
    const ok = await put('truong-hoc.csv', GOOD_CSV);
    assert.equal(ok.status, 200, await ok.clone().text());
    const store = sut.app.get<symbol, ObjectStore>(OBJECT_STORE);
    assert.equal((await store.head(`sha256/${sha256(GOOD_CSV)}`))?.bytes, Buffer.byteLength(GOOD_CSV));

    const big = Buffer.alloc(UPLOAD_LIMIT + 10, 'a');
    assert.equal((await put('lon.csv', big)).status, 413);
    assert.equal(await store.head(`sha256/${sha256(big)}`), undefined);
  });
});
