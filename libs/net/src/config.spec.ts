import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { outboundOptionsFromEnv } from './config.js';

describe('outboundOptionsFromEnv', () => {
  test('defaults: nothing allow-listed, 10 s, 5 redirects, 1 MiB', () => {
    const options = outboundOptionsFromEnv({});
    assert.deepEqual(options.allow.entries, []);
    assert.deepEqual(
      [options.timeoutMs, options.maxRedirects, options.maxResponseBytes],
      [10_000, 5, 1_048_576],
    );
  });

  test('reads the allow-list and bounds', () => {
    const options = outboundOptionsFromEnv({
      OUTBOUND_ALLOW_LIST: 'receiver.internal:8443, 10.20.0.0/16 127.0.0.1:4010',
      OUTBOUND_TIMEOUT_MS: '3000',
      OUTBOUND_MAX_REDIRECTS: '0',
      OUTBOUND_MAX_RESPONSE_BYTES: '65536',
    });
    assert.deepEqual(options.allow.entries, ['receiver.internal:8443', '10.20.0.0/16', '127.0.0.1:4010']);
    assert.equal(options.allow.allowsAddress('10.20.1.1', 80), true);
    assert.deepEqual([options.timeoutMs, options.maxRedirects, options.maxResponseBytes], [3000, 0, 65536]);
  });

  for (const env of [
    { OUTBOUND_TIMEOUT_MS: '0' },
    { OUTBOUND_TIMEOUT_MS: '10s' },
    { OUTBOUND_MAX_REDIRECTS: '50' },
    { OUTBOUND_ALLOW_LIST: '10.0.0.0/99' },
  ]) {
    test(`refuses ${JSON.stringify(env)}`, () => assert.throws(() => outboundOptionsFromEnv(env)));
  }
});
