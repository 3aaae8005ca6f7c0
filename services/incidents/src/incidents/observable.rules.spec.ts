import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Observable } from '@openlgsp/contracts';
import { canonicalDomain, canonicalIpv4, canonicalIpv6, canonicalObservables } from './observable.rules.js';

const one = (o: Observable) => {
  const r = canonicalObservables([o]);
  assert.ok(r.ok, r.ok ? '' : `expected ${o.value} to be accepted: ${r.violation.message}`);
  return r.value[0]!.value;
};
const refused = (o: Observable) => {
  const r = canonicalObservables([{ type: 'domain', value: 'ok.example.net', tlp: 'CLEAR' }, o]);
  assert.equal(r.ok, false, `expected ${o.value} to be refused`);
  return r.ok ? undefined : r.violation;
};

describe('observables', () => {
  it('writes IPv4 addresses canonically and refuses leading zeros and out-of-range parts', () => {
    assert.equal(canonicalIpv4('203.0.113.7'), '203.0.113.7');
    assert.equal(canonicalIpv4('010.0.0.1'), null);
    assert.equal(canonicalIpv4('256.1.1.1'), null);
    assert.equal(canonicalIpv4('1.2.3'), null);
  });

  it('writes IPv6 addresses as RFC 5952 says', () => {
    assert.equal(canonicalIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(canonicalIpv6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalIpv6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(canonicalIpv6('::'), '::');
    assert.equal(canonicalIpv6('::FFFF:203.0.113.7'), '::ffff:203.0.113.7');
    assert.equal(canonicalIpv6('0:0:0:0:0:ffff:cb00:7107'), '::ffff:203.0.113.7');
    assert.equal(canonicalIpv6('1::2::3'), null);
    assert.equal(canonicalIpv6('12345::1'), null);
    assert.equal(canonicalIpv6('1:2:3:4:5:6:7:8:9'), null);
  });

  it('lower-cases domains, drops the root dot and converts international names to ASCII', () => {
    assert.equal(canonicalDomain('Bad.Example.NET.'), 'bad.example.net');
    assert.equal(canonicalDomain('quảngbình.vn'), 'xn--qungbnh-3ya3759d.vn');
    assert.equal(canonicalDomain('_dmarc.Example.net'), '_dmarc.example.net');
    assert.equal(canonicalDomain('localhost'), null);
    assert.equal(canonicalDomain('-bad.example.net'), null);
    assert.equal(canonicalDomain('1.2.3.4'), null);
  });

  it('canonicalises URLs, hashes and e-mail addresses', () => {
    assert.equal(
      one({ type: 'url', value: 'HTTP://Bad.Example.net/a b', tlp: 'GREEN' }),
      'http://bad.example.net/a%20b',
    );
    assert.equal(
      one({ type: 'file-hash', value: 'D41D8CD98F00B204E9800998ECF8427E', tlp: 'GREEN' }),
      'd41d8cd98f00b204e9800998ecf8427e',
    );
    assert.equal(
      one({ type: 'email', value: 'Phishing@Bad.Example.NET', tlp: 'AMBER' }),
      'Phishing@bad.example.net',
    );
  });

  it('refuses a malformed IP address, hash, URL or e-mail address with its path', () => {
    assert.deepEqual(refused({ type: 'ip', value: '300.1.1.1', tlp: 'RED' }), {
      kind: 'invalid',
      code: 'malformed-ip',
      message: "'300.1.1.1' is not an IPv4 or IPv6 address",
      path: '/observables/1/value',
    });
    assert.equal(refused({ type: 'file-hash', value: 'abc123', tlp: 'RED' })?.code, 'malformed-hash');
    assert.equal(refused({ type: 'file-hash', value: 'z'.repeat(64), tlp: 'RED' })?.code, 'malformed-hash');
    assert.equal(refused({ type: 'url', value: 'javascript:alert(1)', tlp: 'RED' })?.code, 'malformed-url');
    assert.equal(refused({ type: 'email', value: 'no-at-sign', tlp: 'RED' })?.code, 'malformed-email');
  });

  it('keeps each indicator once, with the narrower marking', () => {
    const r = canonicalObservables([
      { type: 'ip', value: '2001:DB8::1', tlp: 'GREEN' },
      { type: 'ip', value: '2001:db8:0:0:0:0:0:1', tlp: 'RED' },
      { type: 'domain', value: 'a.example', tlp: 'AMBER' },
    ]);
    assert.deepEqual(r.ok && r.value, [
      { type: 'ip', value: '2001:db8::1', tlp: 'RED' },
      { type: 'domain', value: 'a.example', tlp: 'AMBER' },
    ]);
  });
});
