import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoHotPathScans,
  manualClock,
  serviceSuite,
  type ServiceUnderTest,
} from '@openlgsp/http/testing';
import { listEntry, registerAgency, withdrawEntry } from './catalogue-feed.js';
import { GOOD_CSV, schoolsMetadata, startOpendata } from './service.js';

/**
 * Issue 12: every store query the opendata service makes per request or per event is by `_id` on
 * FerretDB (lgsp-ferretdb counts the others: `{lgspScans: 1}`). The outbox timer is off and the sweep
 * is called by hand (hotPathScans), so that the window counts only the work under test.
 */
const clock = manualClock(new Date('2026-12-07T09:00:00+07:00'));
const {
  sut,
  tokens,
  watch: feed,
} = serviceSuite(() => startOpendata(clock, { OUTBOX_SWEEP_MS: '3600000' }), {
  tokens: { owner: ['SGDDT', ['provider']], editor: ['STTTT', ['editor'], 'dic-editor'] },
  watch: 'OPENDATA',
  ready: async () => {
    await registerAgency(sut.js, 'SGDDT', 'Sở Giáo dục và Đào tạo');
  },
});

/** The answer's body once its status is the expected one. */
async function ok(answer: ReturnType<ServiceUnderTest['request']>, status: number) {
  const { status: got, body } = await answer;
  assert.equal(got, status, JSON.stringify(body));
  return body as Record<string, unknown>;
}

/** Drafts until the catalogue view has the entry (it arrives by event, a moment after it is listed). */
async function draft(entryId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const answer = await sut.request('POST', '/opendata/datasets', {
      token: tokens.owner,
      body: { entryId, metadata: schoolsMetadata() },
    });
    if (answer.status !== 404) return (await ok(Promise.resolve(answer), 201)).datasetId as string;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`entry ${entryId} never reached the catalogue view`);
}

async function published(entryId: string): Promise<string> {
  const id = await draft(entryId);
  const uploaded = await fetch(`${sut.url}/opendata/datasets/${id}/distributions/truong-hoc.csv`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'text/csv' },
    body: GOOD_CSV,
  });
  assert.equal(uploaded.status, 200, await uploaded.text());
  await ok(sut.request('POST', `/opendata/datasets/${id}/submission`, { token: tokens.owner }), 200);
  await ok(sut.request('POST', `/opendata/datasets/${id}/publication`, { token: tokens.editor }), 200);
  await feed.next((e) => e.type === 'vn.openlgsp.opendata.dataset.published.v1' && e.subject === id);
  return id;
}

describe('no scan on a hot path (issue 12)', () => {
  it('drafts, uploads, reviews, publications, retractions and catalogue events read by _id', async (t) => {
    await assertNoHotPathScans(t, sut, clock, async () => {
      const entryId = await listEntry(sut.js, 'SGDDT');
      const id = await published(entryId);
      await ok(sut.request('GET', `/opendata/datasets/${id}`, { token: tokens.owner }), 200);
      await ok(sut.request('GET', `/opendata/datasets/${id}/versions/1`, { token: tokens.owner }), 200);
      await ok(
        sut.request('POST', `/opendata/datasets/${id}/retraction`, {
          token: tokens.owner,
          body: { reason: 'Dữ liệu được thay bằng bộ mới' },
        }),
        200,
      );
      // The catalogue withdraws an entry: its datasets are retracted by event.
      const other = await listEntry(sut.js, 'SGDDT');
      const otherId = await published(other);
      await withdrawEntry(sut.js, other, 'Cơ sở dữ liệu được hợp nhất');
      await feed.next((e) => e.type === 'vn.openlgsp.opendata.dataset.retracted.v1' && e.subject === otherId);
    });
  });
});
