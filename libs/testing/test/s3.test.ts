import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startS3, type S3Server } from '../src/index.js';

describe('startS3', () => {
  let s3: S3Server;

  before(async () => {
    s3 = await startS3({ bucket: 'harness' });
  });

  after(async () => {
    await s3?.stop();
  });

  test('serves path-style S3 on a free port of 127.0.0.1 with the bucket created', async () => {
    assert.match(s3.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s3.bucket, 'harness');
    const list = await fetch(`${s3.endpoint}/`);
    assert.equal(list.status, 200);
    assert.match(await list.text(), /<Name>harness<\/Name>/);
  });

  test('keeps an object in its folder and gives it back', async () => {
    const url = `${s3.endpoint}/${s3.bucket}/greeting.txt`;
    const put = await fetch(url, {
      method: 'PUT',
      body: 'xin chào',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(put.status, 200, await put.text());
    const get = await fetch(url);
    assert.equal(await get.text(), 'xin chào');
    assert.ok(s3.engine.dir && existsSync(s3.engine.dir));
  });

  test('stop() ends the server and removes its folder', async () => {
    const other = await startS3();
    const dir = other.engine.dir!;
    assert.equal(other.engine.running, true);
    await other.stop();
    assert.equal(other.engine.running, false);
    assert.equal(existsSync(dir), false);
    await assert.rejects(fetch(`${other.endpoint}/`));
  });
});
