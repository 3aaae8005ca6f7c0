import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  alertOf,
  assertChainVerifies,
  assertExactlyOnce,
  metricSum,
  runId,
  sendBurst,
  startFaultPlatform,
  type FaultPlatform,
} from './faults.js';

/**
 * Fault injection (issue 13 §5): two instances of incidents and two of audit at once, each its own
 * OS process, sharing one durable consumer per service and one trail. A burst of alerts is handled
 * once (one incident each) and recorded once, and the chain has no fork: both instances verify it.
 */
const BURST = 80;
let platform: FaultPlatform;

before(async () => {
  platform = await startFaultPlatform({ twins: true });
});
after(async () => {
  await platform?.stop();
});

describe('fault injection: two instances of a service at once', () => {
  it('no double processing, one audit writer at a time, the chain verifies on both', async (t) => {
    const alerts = Array.from({ length: BURST }, (_, i) => alertOf(runId('twins'), i));
    await sendBurst(platform.engines, alerts);
    await assertExactlyOnce(platform, alerts);
    // The same count through the other audit instance's API: one trail, not two.
    await assertExactlyOnce(platform, alerts, platform.services.audit2!);
    const one = await assertChainVerifies(platform, platform.services.audit!);
    const two = await assertChainVerifies(platform, platform.services.audit2!);
    assert.equal(one.entriesChecked, two.entriesChecked);
    assert.ok(one.entriesChecked >= 2 * BURST);
    // How the work split (a figure, not asserted: JetStream may hand one instance everything).
    const split = [];
    for (const [name, metric] of [
      ['incidents', 'lgsp_events_consumed_total{consumer="incidents-intake"'],
      ['incidents2', 'lgsp_events_consumed_total{consumer="incidents-intake"'],
      ['audit', 'lgsp_audit_entries_total{stream="INTAKE",outcome="recorded"'],
      ['audit2', 'lgsp_audit_entries_total{stream="INTAKE",outcome="recorded"'],
    ] as const)
      split.push(`${name} ${await metricSum(platform.services[name]!, metric)}`);
    t.diagnostic(`alerts handled / recorded per instance: ${split.join(', ')}`);
  });
});
