import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, msgIdFor, toNatsMessage } from '@openlgsp/events';
import {
  assertNoHotPathScans,
  findEvent,
  manualClock,
  serviceSuite,
  type ServiceUnderTest,
} from '@openlgsp/http/testing';
import { AgenciesRepository } from '../src/agencies/agencies.repository.js';
import { SharingServicesRepository } from '../src/sharing-services/sharing-services.repository.js';
import { landDatabase, landService } from './fixtures.js';
import { startCatalogue } from './service.js';

/**
 * Issue 12: every store query the catalogue makes per request or per event is by `_id` on FerretDB
 * (lgsp-ferretdb counts the others: `{lgspScans: 1}`). The outbox timer is off and the sweep is
 * called by hand (hotPathScans), so that the window counts only the work under test.
 */
const clock = manualClock(new Date());
const { sut, tokens } = serviceSuite(() => startCatalogue(clock, { OUTBOX_SWEEP_MS: '3600000' }), {
  tokens: {
    dic: ['STTTT', ['dic']],
    committee: ['UBND', ['committee']],
    owner: ['STNMT', ['provider']],
    reporter: ['SXD', ['consumer']],
  },
  ready: async () => {
    // The lists by entry and by folded code are filled from the store at their first lookup, once per
    // database (documents stored before the lists existed): that scan is not per request or event.
    await sut.app.get(SharingServicesRepository).ofEntry('none');
    await sut.app.get(AgenciesRepository).withFoldedCode('none');
  },
});

/** The answer's body (ids, here) once its status is the expected one. */
async function ok(answer: ReturnType<ServiceUnderTest['request']>, status: number) {
  const { status: got, body } = await answer;
  assert.equal(got, status, JSON.stringify(body));
  return body as Record<string, string>;
}

async function decided(entryId: string, proposalId: string) {
  const path = `/catalogue/entries/${entryId}/proposals/${proposalId}`;
  await ok(sut.request('POST', `${path}/compilation`, { token: tokens.dic, body: {} }), 204);
  await ok(
    sut.request('POST', `${path}/decision`, {
      token: tokens.committee,
      body: { outcome: 'approved', decisionRef: '12/QĐ-UBND' },
    }),
    204,
  );
}

describe('no scan on a hot path (issue 12)', () => {
  it('proposals, decisions, services, error reports, agencies, intake, reactions and the sweep read by _id', async (t) => {
    await assertNoHotPathScans(t, sut, clock, async () => {
      const proposed = await ok(
        sut.request('POST', '/catalogue/entries/proposals', {
          token: tokens.owner,
          body: { content: landDatabase(), justification: 'Phục vụ thủ tục đất đai liên thông' },
        }),
        201,
      );
      const { entryId } = proposed;
      await decided(entryId, proposed.proposalId);
      await ok(sut.request('GET', `/catalogue/entries/${entryId}`), 200);
      const { serviceId } = await ok(
        sut.request('POST', '/catalogue/services', { token: tokens.owner, body: landService(entryId) }),
        201,
      );

      const changed = createEvent(
        'vn.openlgsp.catalogue.service.changed.v1',
        { serviceId, endpoint: 'https://lgsp.example.vn/land/v2', version: '2.0.0' },
        { source: '/agencies/STNMT/land-system', agency: 'STNMT', actor: 'land-system' },
      );
      const on = 'lgsp.intake.STNMT.catalogue.service.changed';
      const c = toNatsMessage(changed);
      await sut.js.publish(on, c.body, { headers: c.headers, msgID: msgIdFor(on, changed.id) });
      await findEvent(
        sut.js,
        'CATALOGUE',
        (e) => e.subject === serviceId && e.type.endsWith('service.updated.v1'),
      );

      const report = await ok(
        sut.request('POST', '/catalogue/error-reports', {
          token: tokens.reporter,
          body: { entryId, field: 'area', description: 'Diện tích thửa 12 sai', recordRef: 'parcel 12' },
        }),
        201,
      );
      await ok(sut.request('GET', `/catalogue/error-reports/${report.reportId}`, { token: tokens.dic }), 200);
      const reported = createEvent(
        'vn.openlgsp.catalogue.data-error.reported.v1',
        { entryId, field: 'area', description: 'Diện tích thửa 13 sai' },
        { source: '/agencies/SXD/land-system', agency: 'SXD', actor: 'land-system' },
      );
      const r = toNatsMessage(reported);
      await sut.js.publish('lgsp.intake.SXD.catalogue.data-error.reported', r.body, {
        headers: r.headers,
        msgID: reported.id,
      });
      await findEvent(
        sut.js,
        'CATALOGUE',
        (e) => e.subject === reported.id && e.type.endsWith('error-report.opened.v1'),
      );

      const code = `AG${Date.now().toString(36).toUpperCase()}`;
      await ok(
        sut.request('POST', '/catalogue/agencies', {
          token: tokens.dic,
          body: { code, name: 'Sở Công Thương', level: 'province' },
        }),
        201,
      );
      await ok(
        sut.request('PUT', `/catalogue/agencies/${code}`, {
          token: tokens.dic,
          body: { name: 'Sở Công Thương tỉnh', level: 'province' },
        }),
        200,
      );

      // A withdrawn entry retires its services through its own event.
      const withdrawal = await ok(
        sut.request('POST', `/catalogue/entries/${entryId}/proposals`, {
          token: tokens.owner,
          body: { kind: 'withdraw', justification: 'Hệ thống cũ ngừng hoạt động' },
        }),
        201,
      );
      await decided(entryId, withdrawal.proposalId);
      await findEvent(
        sut.js,
        'CATALOGUE',
        (e) => e.subject === serviceId && e.type.endsWith('service.retired.v1'),
      );
    });
  });
});
