import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import { ANY_CHANGE } from '../feed/feed.model.js';
import { newSigningSecret } from './signing.js';
import {
  checkWebhookUrl,
  ownerView,
  rotateSubscriptionSecret,
  passOver,
  pauseByOwner,
  recordAttempt,
  resumeSubscription,
  retryDelayMs,
  subscribeWebhook,
  type DeliveryPolicy,
  type WebhookSubscription,
} from './subscription.rules.js';

const T0 = new Date('2026-03-02T01:00:00Z');
const policy: DeliveryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  pauseAfterFailures: 5,
  maxWaitMs: 3_600_000,
  logSize: 3,
};
const half = () => 0.5;
const at = (ms: number) => new Date(T0.getTime() + ms);

function subscription(cursor = 10): WebhookSubscription {
  return unwrap(
    subscribeWebhook({
      id: 'sub-1',
      app: 'app-1',
      url: 'https://receiver.example.vn/hooks/opendata',
      filter: ANY_CHANGE,
      secret: newSigningSecret(),
      cursor,
      now: T0,
    }),
  );
}

const failed = (position: number, ms: number, status?: number) => ({
  position,
  eventId: `e${position}`,
  at: at(ms),
  durationMs: 12,
  ...(status ? { status } : { error: 'unreachable' }),
});

describe('webhook subscriptions', () => {
  it('is created active at its starting position', () => {
    const sub = subscription();
    assert.equal(sub.status, 'active');
    assert.equal(sub.cursor, 10);
    assert.equal(sub.consecutiveFailures, 0);
  });

  it('refuses a URL that is not http(s), carries credentials or is too long, saying so', () => {
    for (const [url, expected] of [
      ['ftp://receiver.example.vn/', /http or https/],
      ['https://user:pw@receiver.example.vn/', /credentials/],
      ['https://receiver.example.vn/#x', /fragment/],
      ['receiver.example.vn/hook', /absolute/],
      [`https://receiver.example.vn/${'a'.repeat(2048)}`, /longer/],
    ] as const) {
      const result = checkWebhookUrl(url);
      assert.ok(!result.ok, `expected ${url} to be refused`);
      assert.match(result.violation.message, expected);
      assert.equal(result.violation.path, '/url');
    }
  });

  it('moves the cursor on a 2xx and ends the run of failures', () => {
    let sub = recordAttempt(subscription(), failed(11, 0, 503), policy, half);
    assert.equal(sub.consecutiveFailures, 1);
    sub = recordAttempt(
      sub,
      { position: 11, eventId: 'e11', at: at(2_000), durationMs: 5, status: 204 },
      policy,
      half,
    );
    assert.equal(sub.cursor, 11);
    assert.equal(sub.consecutiveFailures, 0);
    assert.equal(sub.failingSince, undefined);
    assert.equal(sub.nextAttemptAt, undefined);
    assert.deepEqual(
      sub.log.map((a) => [a.position, a.delivered, a.status]),
      [
        [11, false, 503],
        [11, true, 204],
      ],
    );
  });

  it('backs off exponentially with full jitter, capped', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => retryDelayMs(n, policy, () => 0.999)),
      [999, 1998, 3996, 7992, 59940],
    );
    assert.equal(
      retryDelayMs(3, policy, () => 0),
      0,
    );
    let sub = subscription();
    sub = recordAttempt(sub, failed(11, 0), policy, half);
    assert.equal(sub.nextAttemptAt, at(500).toISOString());
    sub = recordAttempt(sub, failed(11, 500), policy, half);
    assert.equal(sub.nextAttemptAt, at(1_500).toISOString());
    assert.equal(sub.log.at(-1)!.nextAttemptAt, sub.nextAttemptAt);
  });

  it('pauses after too many failures in a row, with the reason', () => {
    let sub = subscription();
    for (let i = 0; i < policy.pauseAfterFailures; i++)
      sub = recordAttempt(sub, failed(11, i * 1000), policy, half);
    assert.equal(sub.status, 'paused');
    assert.equal(sub.paused?.code, 'too-many-failures');
    assert.equal(sub.cursor, 10);
    assert.equal(sub.nextAttemptAt, undefined);
  });

  it('pauses when the oldest undelivered change has waited too long, or at once on 410 Gone', () => {
    let sub = recordAttempt(subscription(), failed(11, 0), policy, half);
    sub = recordAttempt(sub, failed(11, policy.maxWaitMs), policy, half);
    assert.equal(sub.paused?.code, 'waited-too-long');
    assert.equal(
      recordAttempt(subscription(), failed(11, 0, 410), policy, half).paused?.code,
      'receiver-gone',
    );
  });

  it('keeps only the last attempts in its log', () => {
    let sub = subscription();
    for (let i = 0; i < 4; i++) sub = recordAttempt(sub, failed(11, i), policy, () => 0);
    assert.equal(sub.log.length, policy.logSize);
    assert.deepEqual(
      sub.log.map((a) => a.at),
      [at(1), at(2), at(3)].map((d) => d.toISOString()),
    );
  });

  it('ignores an attempt at a position already acknowledged, and attempts while paused', () => {
    const sub = subscription();
    assert.equal(recordAttempt(sub, { ...failed(10, 0), status: 200 }, policy, half), sub);
    const paused = pauseByOwner(sub, T0);
    assert.equal(recordAttempt(paused, failed(11, 0), policy, half), paused);
    assert.equal(passOver(paused, 12), paused);
  });

  it('passes over changes its filter leaves out', () => {
    assert.equal(passOver(subscription(), 15).cursor, 15);
    assert.equal(passOver(subscription(), 9).cursor, 10);
  });

  it('resumes from where it stopped or from a chosen position', () => {
    let sub = subscription();
    for (let i = 0; i < policy.pauseAfterFailures; i++) sub = recordAttempt(sub, failed(11, i), policy, half);
    const again = unwrap(resumeSubscription(sub));
    assert.equal(again.status, 'active');
    assert.equal(again.cursor, 10);
    assert.equal(again.consecutiveFailures, 0);
    assert.equal(again.paused, undefined);
    assert.equal(unwrap(resumeSubscription(sub, 4)).cursor, 4);
    const refused = resumeSubscription(again);
    assert.ok(!refused.ok);
    assert.equal(refused.violation.code, 'not-paused');
    const bad = resumeSubscription(sub, -1);
    assert.ok(!bad.ok);
    assert.equal(bad.violation.path, '/from');
  });

  it('rotates its secret with a bounded overlap, and never shows secrets to its owner', () => {
    const sub = subscription();
    const next = newSigningSecret();
    const rotated = unwrap(rotateSubscriptionSecret(sub, next, T0, 3_600_000));
    assert.equal(rotated.secrets.current, next);
    assert.equal(rotated.secrets.previous?.secret, sub.secrets.current);
    const view = ownerView(rotated, at(1_000));
    assert.equal(view.previousSecretUntil, at(3_600_000).toISOString());
    assert.ok(!JSON.stringify(view).includes('whsec_'));
    assert.equal(ownerView(rotated, at(3_600_000)).previousSecretUntil, undefined);
    const tooLong = rotateSubscriptionSecret(sub, next, T0, 8 * 24 * 3_600_000);
    assert.ok(!tooLong.ok);
    assert.equal(tooLong.violation.code, 'invalid-overlap');
    const bad = rotateSubscriptionSecret(sub, 'secret', T0, 0);
    assert.ok(!bad.ok);
    assert.equal(bad.violation.path, '/secret');
  });
});
