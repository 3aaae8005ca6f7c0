import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAddress } from './address.js';

describe('classifyAddress', () => {
  const refused: [string, string][] = [
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'linkLocal'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'], // Alibaba Cloud metadata
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'rfc6052'], // NAT64 to 127.0.0.1
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['localhost', 'not an IP address'],
    ['1.2.3', 'not an IP address'],
  ];
  for (const [address, range] of refused) {
    test(`refuses ${address} (${range})`, () => {
      assert.deepEqual(classifyAddress(address), { allowed: false, address, range });
    });
  }

  for (const address of [
    '8.8.8.8',
    '1.1.1.1',
    '203.113.131.1',
    '172.32.0.1',
    '100.128.0.1',
    '2001:4860:4860::8888',
    '2402:800::1',
    '::ffff:8.8.8.8',
  ]) {
    test(`allows the public address ${address}`, () => {
      assert.deepEqual(classifyAddress(address), { allowed: true, address });
    });
  }
});
