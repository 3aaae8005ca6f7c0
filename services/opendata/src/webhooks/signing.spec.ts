import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { isSigningSecret, newSigningSecret, rotateSecret, secretsInUse, signWebhook } from './signing.js';

const ID = '0197a1b2-8000-7000-8000-000000000101';
const BODY = JSON.stringify({ datasetId: '0197a1b2-7c4d-7e8f-9a01-0000000000d1', version: 2 });

function verify(secret: string, body: string, headers: ReturnType<typeof signWebhook>) {
  return new Webhook(secret).verify(body, { ...headers });
}

describe('webhook signatures (Standard Webhooks)', () => {
  it('are verified by the standardwebhooks library with the subscription secret', () => {
    const secret = newSigningSecret();
    assert.ok(isSigningSecret(secret));
    const headers = signWebhook(ID, new Date(), BODY, [secret]);
    assert.equal(headers['webhook-id'], ID);
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(verify(secret, BODY, headers), JSON.parse(BODY));
  });

  it('are refused for a tampered body, an old timestamp or another secret', () => {
    const secret = newSigningSecret();
    const headers = signWebhook(ID, new Date(), BODY, [secret]);
    assert.throws(() => verify(secret, BODY.replace('2', '3'), headers), WebhookVerificationError);
    const old = signWebhook(ID, new Date(Date.now() - 10 * 60_000), BODY, [secret]);
    assert.throws(() => verify(secret, BODY, old), /timestamp/i);
    assert.throws(() => verify(newSigningSecret(), BODY, headers), WebhookVerificationError);
    // A replayed delivery with its timestamp moved forward no longer matches its signature.
    const replayed = { ...old, 'webhook-timestamp': headers['webhook-timestamp'] };
    assert.throws(() => verify(secret, BODY, replayed), WebhookVerificationError);
  });

  it('carry both signatures while a rotation overlaps, then only the new one', () => {
    const old = newSigningSecret();
    const next = newSigningSecret();
    const now = new Date('2026-03-01T00:00:00Z');
    const secrets = rotateSecret({ current: old }, next, now, 24 * 3600_000);
    assert.deepEqual(secretsInUse(secrets, new Date('2026-03-01T23:59:59Z')), [next, old]);
    assert.deepEqual(secretsInUse(secrets, new Date('2026-03-02T00:00:00Z')), [next]);

    const during = signWebhook(ID, new Date(), BODY, [next, old]);
    assert.equal(during['webhook-signature'].split(' ').length, 2);
    assert.ok(verify(old, BODY, during), 'a receiver that still has the old secret verifies');
    assert.ok(verify(next, BODY, during), 'a receiver that has switched verifies');
    const afterwards = signWebhook(ID, new Date(), BODY, [next]);
    assert.throws(() => verify(old, BODY, afterwards), WebhookVerificationError);
  });

  it('refuses a secret that is not whsec_ base64, and signing with no secret', () => {
    assert.throws(
      () => rotateSecret({ current: newSigningSecret() }, 'hunter2', new Date(), 1000),
      RangeError,
    );
    assert.throws(() => signWebhook(ID, new Date(), BODY, []), RangeError);
  });
});
