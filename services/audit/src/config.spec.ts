import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditConfigError, auditConfigFromEnv } from './config.js';

describe("the audit recorder's settings", () => {
  it('record by default, each message held 30 s before JetStream redelivers it', () => {
    const c = auditConfigFromEnv({});
    assert.equal(c.recorder, true);
    assert.equal(c.recorderAckWaitMs, 30_000);
  });

  it('turn the recorder off for a read-only replica, and take the ack wait from AUDIT_ACK_WAIT_MS', () => {
    const c = auditConfigFromEnv({ AUDIT_RECORDER: 'off', AUDIT_ACK_WAIT_MS: '3000' });
    assert.equal(c.recorder, false);
    assert.equal(c.recorderAckWaitMs, 3_000);
  });

  it('refuse an ack wait under a second, naming the variable', () => {
    assert.throws(
      () => auditConfigFromEnv({ AUDIT_ACK_WAIT_MS: '10' }),
      (err) => err instanceof AuditConfigError && /AUDIT_ACK_WAIT_MS/.test(err.message),
    );
  });
});
