import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AllowList } from './allow-list.js';

describe('AllowList', () => {
  const list = AllowList.parse([
    'receiver.internal',
    'hooks.example.vn:8443',
    '127.0.0.1:4010',
    '10.20.0.0/16',
    '::1',
    '[fd00::5]:9000',
    '',
  ]);

  const hosts: [string, number, boolean][] = [
    ['receiver.internal', 80, true],
    ['RECEIVER.internal.', 443, true],
    ['other.internal', 80, false],
    ['hooks.example.vn', 8443, true],
    ['hooks.example.vn', 443, false],
  ];
  for (const [host, port, expected] of hosts) {
    test(`host ${host}:${port} → ${expected}`, () => assert.equal(list.allowsHost(host, port), expected));
  }

  const addresses: [string, number, boolean][] = [
    ['127.0.0.1', 4010, true],
    ['127.0.0.1', 4011, false],
    ['::ffff:127.0.0.1', 4010, true],
    ['10.20.3.4', 80, true],
    ['10.21.0.1', 80, false],
    ['::1', 1234, true],
    ['fd00::5', 9000, true],
    ['fd00::5', 9001, false],
    ['not-an-ip', 80, false],
  ];
  for (const [address, port, expected] of addresses) {
    test(`address ${address}:${port} → ${expected}`, () =>
      assert.equal(list.allowsAddress(address, port), expected));
  }

  for (const entry of ['10.0.0.0/33', 'host:99999', 'bad_host!', 'host:port', '10.0.0.0/8:80']) {
    test(`refuses the entry ${JSON.stringify(entry)}`, () =>
      assert.throws(() => AllowList.parse([entry]), /allow-list entry/));
  }
});
