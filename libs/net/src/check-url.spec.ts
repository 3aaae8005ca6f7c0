import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkUrl, type Resolver } from './check-url.js';
import { OutboundRequestError, SsrfRefusedError } from './errors.js';

/** A resolver from a table: no DNS in unit tests. */
const table =
  (entries: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const found = entries[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const resolve = table({
  'data.gov.vn': ['203.113.131.1'],
  'intranet.tinh.gov.vn': ['10.1.2.3'],
  'split.example': ['8.8.8.8', '192.168.0.10'],
  'metadata.google.internal': ['169.254.169.254'],
  'v6.example': ['2402:800::1'],
  'nothing.example': [],
});

async function refusal(url: string, options = {}): Promise<SsrfRefusedError> {
  try {
    await checkUrl(url, { resolve, ...options });
  } catch (error) {
    if (error instanceof SsrfRefusedError) return error;
    throw error;
  }
  assert.fail(`expected ${url} to be refused`);
}

describe('checkUrl', () => {
  test('a public name: its checked addresses, port and host', async () => {
    const checked = await checkUrl('https://data.gov.vn/api/3/action/package_list', { resolve });
    assert.deepEqual(checked.addresses, [{ address: '203.113.131.1', family: 4 }]);
    assert.equal(checked.port, 443);
    assert.equal(checked.hostname, 'data.gov.vn');
    assert.deepEqual((await checkUrl('http://v6.example:8080/', { resolve })).addresses, [
      { address: '2402:800::1', family: 6 },
    ]);
  });

  for (const [url, reason] of [
    ['file:///etc/passwd', /scheme file is not http or https/],
    ['gopher://data.gov.vn/', /scheme gopher/],
    ['ftp://data.gov.vn/x.csv', /scheme ftp/],
    ['javascript:alert(1)', /scheme javascript/],
    ['/relative/path', /not a valid absolute URL/],
    ['http://user:pass@data.gov.vn/', /carries credentials/],
    ['http://127.0.0.1/', /127\.0\.0\.1 is loopback/],
    ['http://2130706433/', /127\.0\.0\.1 is loopback/], // the URL parser normalises numeric hosts
    ['http://0x7f.1/', /127\.0\.0\.1 is loopback/],
    ['http://[::1]:8080/', /::1 is loopback/],
    ['http://[::ffff:10.0.0.1]/', /is private/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://intranet.tinh.gov.vn/', /intranet\.tinh\.gov\.vn resolves to 10\.1\.2\.3, which is private/],
    ['http://metadata.google.internal/', /resolves to 169\.254\.169\.254, which is cloud metadata/],
    ['http://split.example/', /resolves to 192\.168\.0\.10, which is private/], // every address is checked
  ] as const) {
    test(`refuses ${url}`, async () => {
      const error = await refusal(url);
      assert.equal(error.code, 'ssrf-refused');
      assert.equal(error.url, url);
      assert.match(error.reason, reason);
    });
  }

  test('allow-listed targets pass: by address and port, by CIDR, by host name', async () => {
    await checkUrl('http://127.0.0.1:4010/hook', { allow: ['127.0.0.1:4010'] });
    await refusal('http://127.0.0.1:4011/hook', { allow: ['127.0.0.1:4010'] });
    await checkUrl('http://intranet.tinh.gov.vn/', { resolve, allow: ['10.0.0.0/8'] });
    const byName = await checkUrl('http://intranet.tinh.gov.vn/', {
      resolve,
      allow: ['intranet.tinh.gov.vn'],
    });
    assert.deepEqual(byName.addresses, [{ address: '10.1.2.3', family: 4 }]);
  });

  test('a name that does not resolve is unreachable, not refused', async () => {
    for (const url of ['http://no.such.host.example/', 'http://nothing.example/']) {
      await assert.rejects(
        checkUrl(url, { resolve }),
        (error: unknown) => error instanceof OutboundRequestError && error.code === 'unreachable',
      );
    }
  });
});
