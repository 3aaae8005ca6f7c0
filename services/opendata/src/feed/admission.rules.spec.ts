import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseAdmission } from './admission.rules.js';

// FEED.md, 2 (Server-Sent Events): a bound per client address and one per instance.
describe('SSE admission', () => {
  it('refuses a client past its address’s bound, and admits it again once one of its streams ends', () => {
    const admission = new SseAdmission({ perAddress: 2, total: 10 });
    assert.deepEqual(admission.admit('203.0.113.7'), { admitted: true });
    assert.deepEqual(admission.admit('203.0.113.7'), { admitted: true });
    assert.deepEqual(admission.admit('203.0.113.7'), {
      admitted: false,
      reason: 'address-limit',
      limit: 2,
    });
    assert.deepEqual(admission.admit('198.51.100.1'), { admitted: true }, 'other addresses are not held up');
    admission.release('203.0.113.7');
    assert.deepEqual(admission.admit('203.0.113.7'), { admitted: true });
    assert.equal(admission.clients, 3);
  });

  it('refuses any client once the instance holds its total, whatever the address', () => {
    const admission = new SseAdmission({ perAddress: 5, total: 2 });
    admission.admit('a');
    admission.admit('b');
    assert.deepEqual(admission.admit('c'), { admitted: false, reason: 'instance-full', limit: 2 });
    admission.release('a');
    assert.deepEqual(admission.admit('c'), { admitted: true });
  });

  it('takes nothing for a refused client and ignores a release it never gave', () => {
    const admission = new SseAdmission({ perAddress: 1, total: 1 });
    admission.admit('a');
    admission.admit('a');
    admission.admit('b');
    admission.release('b');
    assert.equal(admission.clients, 1);
    admission.release('a');
    assert.equal(admission.clients, 0);
    assert.deepEqual(admission.admit('b'), { admitted: true });
  });
});
