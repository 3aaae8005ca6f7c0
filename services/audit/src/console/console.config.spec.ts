import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleConfigError, consoleConfigFromEnv } from './console.config.js';

describe("the operator console's settings", () => {
  it('no services and no trace backend unless configured', () => {
    assert.deepEqual(consoleConfigFromEnv({}), { services: [] });
  });

  it('reads the services in order, and the trace query URL without a trailing slash', () => {
    const c = consoleConfigFromEnv({
      LGSP_CONSOLE_SERVICES: 'catalogue=http://127.0.0.1:8100, sharing=http://sharing:3000/',
      LGSP_TRACE_QUERY_URL: 'http://127.0.0.1:16686/',
    });
    assert.deepEqual(c.services, [
      { name: 'catalogue', baseUrl: 'http://127.0.0.1:8100' },
      { name: 'sharing', baseUrl: 'http://sharing:3000' },
    ]);
    assert.equal(c.traceQueryUrl, 'http://127.0.0.1:16686');
  });

  for (const [env, names] of [
    [{ LGSP_CONSOLE_SERVICES: 'catalogue' }, /LGSP_CONSOLE_SERVICES/],
    [{ LGSP_CONSOLE_SERVICES: 'a=b=c' }, /LGSP_CONSOLE_SERVICES/],
    [{ LGSP_CONSOLE_SERVICES: 'x=ftp://h' }, /LGSP_CONSOLE_SERVICES/],
    [{ LGSP_CONSOLE_SERVICES: 'ab=http://h,ab=http://i' }, /twice/],
    [{ LGSP_TRACE_QUERY_URL: 'http://u:p@jaeger:16686' }, /credentials/],
  ] as const)
    it(`refuses ${JSON.stringify(env)}, saying which setting is wrong`, () => {
      assert.throws(
        () => consoleConfigFromEnv(env),
        (err) => err instanceof ConsoleConfigError && names.test(err.message),
      );
    });
});
