import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { findEvent, type ServiceUnderTest } from '@openlgsp/http/testing';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { decideProposal, startPlatform } from './platform.js';

/**
 * The catalogue and sharing services together, in this process, on one nats-server and one FerretDB:
 * an entry approved in the catalogue becomes requestable in sharing (through catalogue events only),
 * an approval issues a grant, and withdrawing the entry ends the grant — each step one trace across
 * both services.
 */
let platform: Awaited<ReturnType<typeof startPlatform<'catalogue' | 'sharing'>>>;
let catalogue: ServiceUnderTest;
let sharing: ServiceUnderTest;

before(async () => {
  platform = await startPlatform(['catalogue', 'sharing']);
  ({ catalogue, sharing } = platform.services);
});
after(async () => platform?.stop());

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string | undefined) => tp?.split('-')[1];

describe('sharing across the catalogue', () => {
  it('listed → requestable → approved → granted → withdrawn → grant ended, one trace per step', async () => {
    // 1. The Committee lists the entry in the catalogue.
    const listing = traceparent();
    const entryId = await decideProposal(
      catalogue,
      { content: landDatabase(), justification: 'Phục vụ thủ tục đất đai liên thông' },
      undefined,
      listing,
    );
    const listed = await findEvent(
      catalogue.js,
      'CATALOGUE',
      (e) => e.subject === entryId && e.type.endsWith('entry.listed.v1'),
    );
    assert.equal(traceOf(listed.traceparent), traceOf(listing));

    // 2. It becomes requestable in sharing, which knows it only from that event.
    const consumer = await sharing.token('SXD', ['consumer']);
    const body = {
      entryId,
      purpose: 'Xác minh thửa đất khi cấp giấy phép xây dựng',
      fields: ['parcelId', 'area'],
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
      period: {
        from: new Date().toISOString(),
        until: new Date(Date.now() + 180 * 86_400_000).toISOString(),
      },
      contact: { name: 'Nguyễn Văn An' },
    };
    let submitted;
    for (let i = 0; i < 200; i++) {
      submitted = await sharing.request('POST', '/sharing/requests', { token: consumer, body });
      if (submitted.status !== 404) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(submitted?.status, 201, JSON.stringify(submitted?.body));
    const { requestId } = submitted!.body;

    // 3. The owner approves; the grant is issued by sharing's reaction, in the approval's trace.
    const approval = traceparent();
    const approved = await sharing.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: await sharing.token('STNMT', ['provider']),
      body: { fields: ['area'] },
      headers: { traceparent: approval },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const approvedEvent = await findEvent(
      sharing.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('request.approved.v1'),
    );
    const issued = await findEvent(
      sharing.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('grant.issued.v1'),
    );
    assert.equal(traceOf(approvedEvent.traceparent), traceOf(approval));
    assert.equal(traceOf(issued.traceparent), traceOf(approval));
    const checker = await sharing.token('STNMT', ['integrator'], 'stnmt-land-system');
    const check = () =>
      sharing.request('GET', `/sharing/grants/check?holder=SXD&entryId=${entryId}&fields=area`, {
        token: checker,
      });
    assert.equal((await check()).body.allowed, true);

    // 4. The entry is withdrawn from the catalogue: sharing ends the grant, in the withdrawal's trace.
    const withdrawal = traceparent();
    await decideProposal(
      catalogue,
      { kind: 'withdraw', justification: 'Thay bằng CSDL quốc gia' },
      entryId,
      withdrawal,
    );
    const withdrawn = await findEvent(
      catalogue.js,
      'CATALOGUE',
      (e) => e.subject === entryId && e.type.endsWith('entry.withdrawn.v1'),
    );
    const ended = await findEvent<{ cause: string; holderAgency: string }>(
      sharing.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('grant.terminated.v1'),
    );
    assert.equal(ended.data.cause, 'entry-withdrawn');
    assert.equal(ended.data.holderAgency, 'SXD');
    assert.equal(traceOf(withdrawn.traceparent), traceOf(withdrawal));
    assert.equal(traceOf(ended.traceparent), traceOf(withdrawal));
    const after = await check();
    assert.equal(after.body.allowed, false);
    assert.equal(after.body.reasons[0].code, 'entry-withdrawn');
  });
});
