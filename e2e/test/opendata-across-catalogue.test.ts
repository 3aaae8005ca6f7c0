import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { validateEventData } from '@openlgsp/contracts';
import { findEvent, type ServiceUnderTest } from '@openlgsp/http/testing';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { decideProposal, startPlatform } from './platform.js';

/**
 * The catalogue and opendata services together, in this process, on one nats-server and one FerretDB:
 * an entry its owner marks open becomes publishable in opendata (through catalogue events only), a
 * dataset is published through review, and withdrawing the entry retracts it, in the withdrawal's trace.
 */
let platform: Awaited<ReturnType<typeof startPlatform<'catalogue' | 'opendata'>>>;
let catalogue: ServiceUnderTest;
let opendata: ServiceUnderTest;

before(async () => {
  platform = await startPlatform(['catalogue', 'opendata'], {
    opendata: { STORAGE_DIR: mkdtempSync(join(tmpdir(), 'lgsp-e2e-opendata-')) },
  });
  ({ catalogue, opendata } = platform.services);
});
after(async () => platform?.stop());

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string | undefined) => tp?.split('-')[1];

describe('open data across the catalogue', () => {
  it('listed open → drafted → published through review → entry withdrawn → dataset retracted', async () => {
    const entryId = await decideProposal(catalogue, {
      content: landDatabase('STNMT', { name: 'Cơ sở dữ liệu giá đất', sharingMode: 'default', open: true }),
      justification: 'Công khai bảng giá đất',
    });

    const owner = await opendata.token('STNMT', ['provider']);
    const editor = await opendata.token('STTTT', ['editor']);
    const body = {
      entryId,
      metadata: {
        title: { vi: 'Bảng giá đất', en: 'Land prices' },
        description: { vi: 'Giá đất theo vùng.', en: 'Land prices by zone.' },
        keywords: { vi: ['giá đất'] },
        themes: ['ECON'],
        contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.stnmt@example.gov.vn' },
        spatial: { province: { code: '62', name: 'Kon Tum' } },
        accrualPeriodicity: 'ANNUAL',
        legalBasis: [{ instrument: 'Luật Đất đai 2024' }],
      },
    };
    let drafted;
    for (let i = 0; i < 200; i++) {
      drafted = await opendata.request('POST', '/opendata/datasets', { token: owner, body });
      if (drafted.status !== 404) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(drafted?.status, 201, JSON.stringify(drafted?.body));
    const id = drafted!.body.datasetId as string;
    const upload = await fetch(`${opendata.url}/opendata/datasets/${id}/distributions/gia-dat.csv`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/csv' },
      body: 'zone,price\nV1,12000000\n',
    });
    assert.equal(upload.status, 200, await upload.text());
    for (const [step, token] of [
      ['submission', owner],
      ['publication', editor],
    ] as const) {
      const answer = await opendata.request('POST', `/opendata/datasets/${id}/${step}`, { token });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
    const published = await findEvent<{ metadata: { publisher: { name: string } } }>(
      opendata.js,
      'OPENDATA',
      (e) => e.subject === id && e.type.endsWith('dataset.published.v1'),
    );
    assert.equal(validateEventData(published.type as never, published.data).ok, true);

    const withdrawal = traceparent();
    await decideProposal(
      catalogue,
      { kind: 'withdraw', justification: 'Thay bằng CSDL quốc gia' },
      entryId,
      withdrawal,
    );
    const retracted = await findEvent<{ cause: string; reason: string }>(
      opendata.js,
      'OPENDATA',
      (e) => e.subject === id && e.type.endsWith('dataset.retracted.v1'),
    );
    assert.equal(retracted.data.cause, 'entry-withdrawn');
    assert.equal(traceOf(retracted.traceparent), traceOf(withdrawal));
  });
});
