import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, toNatsMessage } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { assertNoHotPathScans, manualClock, serviceSuite } from '@openlgsp/http/testing';
import type { Connection } from 'mongoose';
import { startAudit } from './service.js';

/**
 * Issue 12: what the audit service does per event — recording it in the chain — reads by `_id` only
 * on FerretDB (lgsp-ferretdb counts the others: `{lgspScans: 1}`). The head of the chain is one
 * document by a string `_id`; entries are inserted, never looked up, on this path. (A read of one
 * entry by its number is not: FerretDB v1 pushes down only a string or ObjectId `_id`.)
 */
const dir = mkdtempSync(join(tmpdir(), 'lgsp-audit-scans-'));
const clock = manualClock('2025-01-01T00:00:00Z');
const { sut } = serviceSuite(() => startAudit(clock, dir, { OUTBOX_SWEEP_MS: '3600000' }), {
  cleanup: () => rmSync(dir, { recursive: true, force: true }),
});

/** Publishes one event per agency and waits until the trail holds them. */
async function record(agencies: string[]): Promise<void> {
  const from = await headSeq();
  for (const agency of agencies) {
    const event = createEvent(
      'vn.openlgsp.catalogue.agency.updated.v1',
      { code: agency, name: 'Sở', level: 'province' },
      { source: '/openlgsp/catalogue', subject: agency, agency, actor: 'dic-officer' },
    );
    const { headers, body } = toNatsMessage(event);
    await sut.js.publish('lgsp.catalogue.agency.updated', body, { headers });
  }
  for (let i = 0; (await headSeq()) < from + agencies.length; i++) {
    assert.ok(i < 400, `the ${agencies.length} events reach the trail`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The chain's head: one document, by its string `_id` (not a scan). */
async function headSeq(): Promise<number> {
  const head = await sut.app
    .get<Connection>(MONGO_CONNECTION)
    .db!.collection<{ _id: string; seq: number }>('chain')
    .findOne({ _id: 'head' });
  return head?.seq ?? 0;
}

describe('no scan on a hot path (issue 12)', () => {
  it('records events in the chain reading by _id only', async (t) => {
    // The chain's first entry starts it (from the last archive's cut, if any): once per trail.
    await record(['UBND']);
    await assertNoHotPathScans(t, sut, clock, () => record(['STNMT', 'SYT', 'SXD']));
  });
});
