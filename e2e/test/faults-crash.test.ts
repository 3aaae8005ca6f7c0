import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { toNatsMessage } from '@openlgsp/events';
import {
  AGENCY,
  ALERT_SUBJECT,
  alertOf,
  entriesAbout,
  publishRaw,
  rejectionsOf,
  assertChainVerifies,
  assertExactlyOnce,
  countBurst,
  runId,
  sendBurst,
  startFaultPlatform,
  type FaultPlatform,
} from './faults.js';

/**
 * Fault injection (issue 13 §5): a burst of alerts over NATS to the incidents service, audit
 * recording everything, and in the middle of the burst one part of the platform is killed with
 * SIGKILL and started again. Every alert JetStream acknowledged is counted afterwards: recorded
 * exactly once in the audit trail, exactly one incident opened, and the audit chain verifies.
 */
const BURST = 60;
const FAULT_AT = 20;
let platform: FaultPlatform;

before(async () => {
  platform = await startFaultPlatform();
});
after(async () => {
  await platform?.stop();
});

interface Part {
  kill(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A burst during which `part` is killed before the FAULT_AT-th publish and started again `downMs`
 * later, the publishing going on meanwhile; then, once `settled()` (a later fault of the same
 * scenario) is done, the count.
 */
async function burstWithCrash(
  name: string,
  part: () => Part,
  downMs: number,
  settled: () => Promise<void> = async () => undefined,
): Promise<void> {
  const alerts = Array.from({ length: BURST }, (_, i) => alertOf(runId(name), i));
  let restarted: Promise<void> = Promise.resolve();
  await sendBurst(platform.engines, alerts, async (i) => {
    if (i !== FAULT_AT) return;
    await part().kill();
    restarted = sleep(downMs).then(() => part().start());
  });
  await restarted;
  await settled();
  await assertExactlyOnce(platform, alerts);
  await assertChainVerifies(platform);
}

const REJECTED = 'vn.openlgsp.platform.event.rejected.v1';

describe('fault injection: poison messages among good ones', () => {
  it('each is refused once with its reasons, recorded, and the alerts around them flow on', async () => {
    const run = runId('poison');
    const alerts = Array.from({ length: 30 }, (_, i) => alertOf(run, i));
    // An alert breaking its contract, and one whose body is not JSON at all.
    const broken = alertOf(run, 100);
    (broken.data as { severity: string }).severity = 'apocalyptic';
    const garbled = alertOf(run, 101);
    await sendBurst(platform.engines, alerts, async (i) => {
      if (i === 10) {
        const { headers, body } = toNatsMessage(broken);
        await publishRaw(platform.engines, ALERT_SUBJECT, body, headers, broken.id);
      }
      if (i === 20) {
        const { headers } = toNatsMessage(garbled);
        await publishRaw(platform.engines, ALERT_SUBJECT, Buffer.from('{"sourceRef": '), headers, garbled.id);
      }
    });
    await assertExactlyOnce(platform, alerts);

    // A bound for the refusals to be told, not a timing assertion. The garbled one's body does not
    // parse: its refusal names the event by its ce-id header.
    const expected = [broken.id, garbled.id];
    const deadline = Date.now() + 60_000;
    let rejections = await rejectionsOf(platform.engines, AGENCY, expected);
    while (rejections.length < expected.length && Date.now() < deadline) {
      await sleep(500);
      rejections = await rejectionsOf(platform.engines, AGENCY, expected);
    }
    assert.deepEqual(
      rejections.map((r) => r.eventId).sort(),
      [...expected].sort(),
      'each refused exactly once',
    );
    for (const r of rejections) {
      assert.equal(r.rejectedBy, 'incidents');
      assert.equal(r.natsSubject, ALERT_SUBJECT);
      assert.ok(r.reasons.length > 0 && r.reasons.every((x) => x.message), JSON.stringify(r));
    }
    assert.ok(
      rejections.find((r) => r.eventId === garbled.id)!.reasons.some((x) => x.code === 'malformed-data'),
    );
    // Both refusals in the audit trail, once each; neither poison opened an incident.
    let entries = await entriesAbout(platform, 'REJECTED', REJECTED);
    while (entries.length < 2 && Date.now() < deadline) {
      await sleep(500);
      entries = await entriesAbout(platform, 'REJECTED', REJECTED);
    }
    assert.equal(entries.length, 2, 'the two refusals in the trail, once each');
    assert.equal((await entriesAbout(platform, 'REJECTED', REJECTED, broken.id)).length, 1);
    assert.equal((await entriesAbout(platform, 'REJECTED', REJECTED, garbled.id)).length, 1);
    const opened = await countBurst(platform, [broken, garbled]);
    assert.deepEqual([...opened.incidentsReported.values()], [0, 0], 'no incident from a poison message');
    await assertChainVerifies(platform);
  });
});

describe('fault injection: kill -9 in the middle of a burst', () => {
  it('the store (lgsp-ferretdb) killed, down 3 s, restarted: nothing lost, nothing twice', async () => {
    await burstWithCrash('kill-store', () => platform.engines.mongo, 3_000);
  });

  it('the audit service killed and restarted: the trail misses nothing, repeats nothing, verifies', async () => {
    await burstWithCrash('kill-audit', () => platform.services.audit!, 0);
  });

  it('the store killed 2 s after the audit service was killed and restarted: the trail misses nothing, repeats nothing, verifies', async () => {
    // While the dead writer's claim on the trail awaits its 30 s, the store goes too, mid-burst.
    const storeKilled = async () => {
      await sleep(2_000);
      await platform.engines.mongo.kill();
      await sleep(3_000);
      await platform.engines.mongo.start();
    };
    let storeBack: Promise<void> = Promise.resolve();
    await burstWithCrash(
      'kill-audit-then-store',
      () => ({
        kill: () => platform.services.audit!.kill(),
        start: async () => {
          await platform.services.audit!.start();
          storeBack = storeKilled();
        },
      }),
      0,
      () => storeBack,
    );
  });

  it('NATS killed, down 3 s, restarted on its JetStream files: nothing lost, nothing twice', async () => {
    await burstWithCrash('kill-nats', () => platform.engines.nats, 3_000);
  });

  it('the incidents service killed and restarted: each alert handled and recorded once', async () => {
    await burstWithCrash('kill-incidents', () => platform.services.incidents!, 0);
  });
});
