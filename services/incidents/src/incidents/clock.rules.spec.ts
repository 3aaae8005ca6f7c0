import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import { alert, config, dic, ID, now, officer, siem } from './fixtures.js';
import { applyClockStep, dueSteps, nextStepAt } from './clock.rules.js';
import type { IncidentState } from './incident.model.js';
import { acknowledge, report, submitReport } from './incident.rules.js';

const at = (iso: string) => new Date(iso);
const opened = (): IncidentState => {
  const r = report(ID, alert(), siem, now, config);
  assert.ok(r.ok);
  return r.value.next;
};
const steps = (i: IncidentState, when: Date) => dueSteps(i, when).map((s) => `${s.step} ${s.clock}`);
const apply = (i: IncidentState, when: Date) => {
  for (const s of dueSteps(i, when)) {
    const r = applyClockStep(i, s, when);
    assert.ok(r.ok);
    for (const f of r.value.facts) assert.deepEqual(validateEventData(f.type, f.data), { ok: true });
    i = r.value.next;
  }
  return i;
};

describe('the clocks', () => {
  it('reminds before triage is due (a quarter of the target left) and escalates after', () => {
    const i = opened(); // high: 4 h from 03:00
    assert.deepEqual(steps(i, at('2025-11-20T05:59:00Z')), []);
    assert.deepEqual(steps(i, at('2025-11-20T06:00:00Z')), ['remind acknowledgement']);
    assert.deepEqual(steps(i, at('2025-11-20T07:00:00Z')), ['escalate acknowledgement']);
  });

  it('applies each step once', () => {
    let i = apply(opened(), at('2025-11-20T06:00:00Z'));
    assert.ok(i.clocks.acknowledgement!.remindedAt);
    assert.deepEqual(steps(i, at('2025-11-20T06:30:00Z')), []);
    i = apply(i, at('2025-11-20T07:00:00Z'));
    assert.deepEqual(steps(i, at('2025-11-20T08:00:00Z')), []);
    const r = applyClockStep(
      i,
      { clock: 'acknowledgement', step: 'escalate', dueAt: i.clocks.acknowledgement!.dueAt },
      at('2025-11-20T09:00:00Z'),
    );
    assert.equal(r.ok ? '' : r.violation.code, 'step-not-due');
  });

  it('escalates a clock found past due without a late reminder', () => {
    const i = apply(opened(), at('2025-11-20T08:00:00Z'));
    const c = i.clocks.acknowledgement!;
    assert.ok(c.escalatedAt && c.remindedAt);
    assert.deepEqual(steps(i, at('2025-11-20T08:00:01Z')), []);
  });

  it('stops a clock once what it waits for happens', () => {
    const r = acknowledge(opened(), { note: 'ok' }, dic, at('2025-11-20T04:00:00Z'), config);
    assert.ok(r.ok);
    assert.deepEqual(steps(r.value.next, at('2025-11-20T07:00:00Z')), []);
  });

  it('counts the notification in calendar days from discovery, in Vietnam’s time zone', () => {
    const r = acknowledge(opened(), { note: 'ok' }, dic, at('2025-11-20T04:00:00Z'), config);
    assert.ok(r.ok);
    const i = r.value.next;
    // discovered 20 November (local) → due at the end of 25 November, local; reminded a day before
    const notification = (when: Date) => steps(i, when).filter((s) => s.endsWith('notification'));
    assert.deepEqual(notification(at('2025-11-24T16:59:59Z')), []);
    assert.deepEqual(notification(at('2025-11-24T17:00:00Z')), ['remind notification']);
    assert.deepEqual(notification(at('2025-11-25T17:00:00Z')), ['escalate notification']);
    const notified = submitReport(
      i,
      { kind: 'notification', documentRef: '118/TB', channel: 'electronic-document' },
      officer,
      at('2025-11-21T02:00:00Z'),
    );
    assert.ok(notified.ok);
    assert.ok(
      !steps(notified.value.next, at('2025-11-26T00:00:00Z')).some((s) => s.endsWith('notification')),
    );
  });

  it('has nothing due on a closed incident, and says when the next step comes', () => {
    const i = opened();
    assert.deepEqual(steps({ ...i, status: 'closed' }, at('2026-01-01T00:00:00Z')), []);
    assert.equal(nextStepAt(i)?.toISOString(), '2025-11-20T06:00:00.000Z');
  });
});
