import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { auditFilesIn, decideProposal, startPlatform } from './platform.js';
import { assertTrace } from './traces.js';
import { createEvent } from '@openlgsp/events';
import type { ServiceUnderTest } from '@openlgsp/http/testing';

/**
 * Catalogue, sharing and audit together on one nats-server and one FerretDB: what the first two do
 * appears in the audit trail — their events and their access events — under the traces of the calls
 * that caused it, and the chain verifies.
 */
const dir = mkdtempSync(join(tmpdir(), 'lgsp-e2e-audit-'));
let platform: Awaited<ReturnType<typeof startPlatform<'audit' | 'catalogue' | 'sharing'>>>;
let catalogue: ServiceUnderTest;
let sharing: ServiceUnderTest;
let audit: ServiceUnderTest;

before(async () => {
  platform = await startPlatform(['audit', 'catalogue', 'sharing'], {
    audit: auditFilesIn(dir),
  });
  ({ catalogue, sharing, audit } = platform.services);
});
after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string) => tp.split('-')[1]!;

interface Entry {
  seq: number;
  type?: string;
  stream: string;
  agency?: string;
  traceId?: string;
}

async function trailOf(traceId: string, until: (entries: Entry[]) => boolean): Promise<Entry[]> {
  const auditor = await audit.token('TTRA', ['auditor']);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await audit.request('GET', `/audit/entries?traceId=${traceId}&limit=200`, {
      token: auditor,
    });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    if (until(page.body.items)) return page.body.items;
    if (Date.now() > deadline)
      throw new Error(`trace ${traceId}: ${JSON.stringify(page.body.items.map((e: Entry) => e.type))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const has = (type: string) => (entries: Entry[]) => entries.some((e) => e.type === type);

describe('the audit trail across services', () => {
  it("records catalogue and sharing activity under the calls' trace ids, and the chain verifies", async () => {
    // The catalogue lists an entry; the decision's trace is followed into the trail.
    const listing = traceparent();
    const entryId = await decideProposal(
      catalogue,
      { content: landDatabase('STNMT'), justification: 'Phục vụ thủ tục đất đai' },
      undefined,
      listing,
    );

    // Sharing: a request, then an approval whose trace spans the approval and the grant.
    const consumer = await sharing.token('SXD', ['consumer']);
    let requestId: string | undefined;
    for (let i = 0; !requestId && i < 200; i++) {
      const a = await sharing.request('POST', '/sharing/requests', {
        token: consumer,
        body: {
          entryId,
          purpose: 'Xác minh thửa đất',
          fields: ['area'],
          legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
          period: {
            from: new Date().toISOString(),
            until: new Date(Date.now() + 90 * 86_400_000).toISOString(),
          },
          contact: { name: 'Nguyễn Văn An' },
        },
      });
      if (a.status === 201) requestId = a.body.requestId;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(requestId, 'the entry became requestable');
    const approval = traceparent();
    const approved = await sharing.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: await sharing.token('STNMT', ['provider']),
      body: {},
      headers: { traceparent: approval },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    // A refused call is audited too.
    const refusedCall = traceparent();
    const refused = await sharing.request('POST', `/sharing/requests/${requestId}/withdrawal`, {
      token: await sharing.token('SYT', ['consumer']),
      body: {},
      headers: { traceparent: refusedCall },
    });
    assert.equal(refused.status, 403);

    const listed = await trailOf(traceOf(listing), has('vn.openlgsp.catalogue.entry.listed.v1'));
    assert.ok(listed.every((e) => e.traceId === traceOf(listing)));
    assert.ok(listed.some((e) => e.stream === 'CATALOGUE'));

    const granted = await trailOf(
      traceOf(approval),
      (es) =>
        has('vn.openlgsp.sharing.request.approved.v1')(es) && has('vn.openlgsp.sharing.grant.issued.v1')(es),
    );
    assert.ok(granted.some((e) => e.stream === 'SHARING'));
    // the approval call itself, as the sharing service reported it
    await trailOf(traceOf(approval), has('vn.openlgsp.audit.access.recorded.v1'));
    await trailOf(traceOf(refusedCall), has('vn.openlgsp.audit.access.recorded.v1'));

    // The same flows as traces in the trace backend.
    await assertTrace({
      traceparent: listing,
      spans: {
        catalogue: [
          'POST /catalogue/entries/{entryId}/proposals/{proposalId}/decision',
          'findAndModify entries',
          'publish lgsp.catalogue.entry.listed',
        ],
        audit: ['process lgsp.catalogue.entry.listed'],
        sharing: ['process lgsp.catalogue.entry.listed', 'update catalogue_entries'],
      },
    });
    await assertTrace({
      traceparent: approval,
      spans: {
        sharing: [
          'POST /sharing/requests/{requestId}/approval',
          'findAndModify requests',
          'publish lgsp.sharing.request.approved',
          'process lgsp.sharing.request.approved',
          'publish lgsp.sharing.grant.issued',
        ],
        audit: ['process lgsp.sharing.request.approved', 'process lgsp.sharing.grant.issued'],
      },
    });

    const verification = await audit.request('GET', '/audit/verification', {
      token: await audit.token('STTTT', ['dic']),
    });
    assert.equal(verification.status, 200, JSON.stringify(verification.body));
    assert.equal(verification.body.ok, true, JSON.stringify(verification.body));
    assert.ok(verification.body.entriesChecked > 5);
  });
});

const UNKNOWN_SERVICE = '0197a1b2-7c4d-7e8f-9a01-00000000ffff';

describe('an intake event refused, as one trace', () => {
  it('goes from the HTTP intake through the use case to lgsp.rejected and the audit trail', async () => {
    const intake = traceparent();
    const event = createEvent(
      'vn.openlgsp.catalogue.service.changed.v1',
      {
        serviceId: UNKNOWN_SERVICE,
        endpoint: 'https://lgsp.example.gov.vn/sxd/permits/v2',
        version: '2.0',
      },
      {
        source: '/agencies/SXD/building-permits',
        agency: 'SXD',
        actor: 'key-SXD-system',
        subject: UNKNOWN_SERVICE,
      },
    );
    const accepted = await catalogue.request('POST', '/catalogue/events', {
      token: await catalogue.token('SXD', ['integrator']),
      headers: { 'content-type': 'application/cloudevents+json', traceparent: intake },
      rawBody: JSON.stringify(event),
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    // An unknown service: refused by the use case, reasons on lgsp.rejected.SXD, recorded by audit.
    await assertTrace({
      traceparent: intake,
      spans: {
        catalogue: [
          'POST /catalogue/events',
          'publish lgsp.intake.{agency}.catalogue.service.changed',
          'process lgsp.intake.{agency}.catalogue.service.changed',
          'publish lgsp.rejected.{agency}',
        ],
        audit: ['process lgsp.intake.{agency}.catalogue.service.changed', 'process lgsp.rejected.{agency}'],
      },
    });
  });
});
