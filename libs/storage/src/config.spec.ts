import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_STORAGE_DIR, objectStoreFromEnv, storageConfigFromEnv } from './config.js';
import { FolderObjectStore } from './folder-store.js';
import { DEFAULT_MAX_BYTES } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

describe('storageConfigFromEnv', () => {
  test('a folder by default, bounded at 200 MiB', () => {
    assert.deepEqual(storageConfigFromEnv({}), {
      kind: 'folder',
      dir: DEFAULT_STORAGE_DIR,
      maxBytes: 200 * 1024 * 1024,
    });
    assert.equal(DEFAULT_MAX_BYTES, 209_715_200);
    assert.ok(objectStoreFromEnv({ STORAGE_DIR: '/srv/files' }) instanceof FolderObjectStore);
  });

  test('STORAGE_DIR and STORAGE_MAX_BYTES', () => {
    assert.deepEqual(storageConfigFromEnv({ STORAGE_DIR: '/srv/files', STORAGE_MAX_BYTES: '1048576' }), {
      kind: 'folder',
      dir: '/srv/files',
      maxBytes: 1_048_576,
    });
  });

  test('S3 when S3_BUCKET is set, path-style with an endpoint', () => {
    const config = storageConfigFromEnv({
      S3_BUCKET: 'lgsp-files',
      S3_ENDPOINT: 'http://minio.storage:9000',
      S3_REGION: 'ap-southeast-1',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PREFIX: 'opendata',
    });
    assert.deepEqual(config, {
      kind: 's3',
      bucket: 'lgsp-files',
      prefix: 'opendata',
      endpoint: 'http://minio.storage:9000',
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      maxBytes: DEFAULT_MAX_BYTES,
    });
    const store = objectStoreFromEnv({ S3_BUCKET: 'lgsp-files', S3_ENDPOINT: 'http://127.0.0.1:1' });
    assert.ok(store instanceof S3ObjectStore);
    store.close();
  });

  test('AWS S3 itself: virtual-hosted style and the SDK credential chain', () => {
    const config = storageConfigFromEnv({ S3_BUCKET: 'lgsp-files' });
    assert.equal(config.kind === 's3' && config.forcePathStyle, false);
    assert.equal(config.kind === 's3' && config.credentials, undefined);
    assert.equal(config.kind === 's3' && config.region, 'us-east-1');
  });

  for (const [env, message] of [
    [{ STORAGE_MAX_BYTES: '200MB' }, /STORAGE_MAX_BYTES must be a whole number/],
    [{ STORAGE_MAX_BYTES: '0' }, /STORAGE_MAX_BYTES must be a whole number/],
    [{ S3_ENDPOINT: 'http://minio:9000' }, /S3_BUCKET is not/],
    [{ S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' }, /S3_ENDPOINT must be an http\(s\) URL/],
    [{ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }, /both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/],
    [{ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE must be true or false/],
  ] as const) {
    test(`refuses ${JSON.stringify(env)}`, () => assert.throws(() => storageConfigFromEnv(env), message));
  }
});
