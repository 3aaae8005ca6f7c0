import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, toNatsMessage } from '@openlgsp/events';
import { assertNoHotPathScans, findEvent, manualClock, serviceSuite, waitFor } from '@openlgsp/http/testing';
import { DeadlinesScheduler } from '../src/deadlines/deadlines.scheduler.js';
import { GrantsRepository } from '../src/grants/grants.repository.js';
import { listEntryWithService, publishCatalogueEvent } from './catalogue-feed.js';
import { requestBody, startSharing } from './service.js';

/**
 * Issue 12: every store query the sharing service makes per request or per event is by `_id` on
 * FerretDB (lgsp-ferretdb counts the others: `{lgspScans: 1}`). The hot paths run here against the
 * real engines; the outbox timer is off and the sweep is called by hand (hotPathScans), so that the window counts
 * only the work under test.
 */
const clock = manualClock(new Date('2026-12-07T09:00:00+07:00'));
const { sut, tokens } = serviceSuite(() => startSharing(clock, { OUTBOX_SWEEP_MS: '3600000' }), {
  tokens: {
    owner: ['STNMT', ['provider']],
    ownerSystem: ['STNMT', ['integrator'], 'stnmt-land-system'],
    consumer: ['SXD', ['consumer']],
    dic: ['STTTT', ['dic']],
  },
  ready: async () => {
    // The grants' lists by entry and by service are filled from the store at their first lookup, once
    // per database (grants stored before the lists existed): that scan is not per event.
    await sut.app.get(GrantsRepository).liveOfEntry('none');
  },
});

const listed = () => listEntryWithService(sut.js, 'STNMT');

/**
 * The catalogue view learns of the entry, then of its service, by events a moment apart: until both are
 * in, a request answers 404 (no such entry) or 422 (the service does not share it, yet).
 */
const viewLags = (answer: { status: number; body: { code?: string } }) =>
  answer.status === 404 || (answer.status === 422 && answer.body.code === 'service-not-of-entry');

async function approvedGrant(entryId: string, serviceId?: string) {
  // The catalogue view learns of the entry by event, a moment after it is listed.
  const submitted = await waitFor('the entry in the catalogue view', async () => {
    const answer = await sut.request('POST', '/sharing/requests', {
      token: tokens.consumer,
      body: requestBody(entryId, serviceId ? { serviceId } : {}),
    });
    return viewLags(answer) ? undefined : answer;
  });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const approved = await sut.request('POST', `/sharing/requests/${submitted.body.requestId}/approval`, {
    token: tokens.owner,
    body: {},
  });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const grantId = approved.body.grantId as string;
  await findEvent(sut.js, 'SHARING', (e) => e.subject === grantId && e.type.endsWith('grant.issued.v1'));
  return grantId;
}

describe('no scan on a hot path (issue 12)', () => {
  it('requests, decisions, grants, the check, intake, catalogue events and the outbox sweep read by _id', async (t) => {
    await assertNoHotPathScans(t, sut, clock, async () => {
      const { entryId } = await listed();
      const grantId = await approvedGrant(entryId);
      const checked = await sut.request('GET', `/sharing/grants/check?holder=SXD&entryId=${entryId}`, {
        token: tokens.ownerSystem,
      });
      assert.equal(checked.body.allowed, true, JSON.stringify(checked.body));
      assert.equal(
        (await sut.request('GET', `/sharing/grants/${grantId}`, { token: tokens.dic })).status,
        200,
      );
      const path = `/sharing/grants/${grantId}`;
      const suspended = await sut.request('POST', `${path}/suspension`, {
        token: tokens.owner,
        body: { cause: 'breach', reason: 'Dùng sai mục đích' },
      });
      assert.equal(suspended.status, 204, JSON.stringify(suspended.body));
      assert.equal((await sut.request('POST', `${path}/resumption`, { token: tokens.dic })).status, 204);

      const demanded = await sut.request('POST', '/sharing/usage-report-demands', {
        token: tokens.owner,
        body: { grantId, reason: 'Lượt truy vấn tăng bất thường' },
      });
      assert.equal(demanded.status, 201, JSON.stringify(demanded.body));
      const answer = createEvent(
        'vn.openlgsp.sharing.usage-report.answered.v1',
        { demandId: demanded.body.demandId, summary: 'Chỉ dùng cho cấp phép xây dựng', requests: 120 },
        { source: '/agencies/SXD/qlxd', agency: 'SXD', actor: 'sxd-system' },
      );
      const m = toNatsMessage(answer);
      await sut.js.publish('lgsp.intake.SXD.sharing.usage-report.answered', m.body, {
        headers: m.headers,
        msgID: answer.id,
      });
      await waitFor('the usage report', async () => {
        const d = await sut.request('GET', `/sharing/usage-report-demands/${demanded.body.demandId}`, {
          token: tokens.owner,
        });
        return d.body.status === 'answered' ? true : undefined;
      });

      const filed = createEvent('vn.openlgsp.sharing.request.filed.v1', requestBody(entryId), {
        source: '/agencies/SXD/qlxd',
        agency: 'SXD',
        actor: 'sxd-system',
      });
      const f = toNatsMessage(filed);
      await sut.js.publish('lgsp.intake.SXD.sharing.request.filed', f.body, {
        headers: f.headers,
        msgID: filed.id,
      });
      await findEvent(
        sut.js,
        'SHARING',
        (e) => e.subject === filed.id && e.type.endsWith('request.submitted.v1'),
      );

      // A retired service and a withdrawn entry end their grants (one grant on each here).
      const other = await listed();
      const otherGrant = await approvedGrant(other.entryId, other.serviceId);
      await publishCatalogueEvent(
        sut.js,
        'vn.openlgsp.catalogue.service.retired.v1',
        { serviceId: other.serviceId, entryId: other.entryId, reason: 'Ngừng cung cấp' },
        other.serviceId,
        'STNMT',
      );
      await findEvent(
        sut.js,
        'SHARING',
        (e) => e.subject === otherGrant && e.type.endsWith('grant.terminated.v1'),
      );
      await publishCatalogueEvent(
        sut.js,
        'vn.openlgsp.catalogue.entry.withdrawn.v1',
        { entryId, version: 2, reason: 'Thay thế' },
        entryId,
      );
      await findEvent(
        sut.js,
        'SHARING',
        (e) => e.subject === grantId && e.type.endsWith('grant.terminated.v1'),
      );
    });
  });

  it('the deadline tick reads its due documents by day and by _id', async (t) => {
    const tick = () => sut.app.get(DeadlinesScheduler).tick();
    const { entryId } = await listed();
    const submitted = await waitFor('the entry in the catalogue view', async () => {
      const answer = await sut.request('POST', '/sharing/requests', {
        token: tokens.consumer,
        body: requestBody(entryId),
      });
      return viewLags(answer) ? undefined : answer;
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const { requestId, dueAt } = submitted.body as { requestId: string; dueAt: string };
    // The first tick of a database fills the deadline lists from the store, once.
    await tick();
    await assertNoHotPathScans(t, sut, clock, async () => {
      clock.set(new Date(Date.parse(dueAt) - 2 * 86_400_000)); // within the reminder window
      await tick();
      clock.set(new Date(Date.parse(dueAt) + 1_000));
      await tick();
      await tick(); // nothing left to do: the lists are read again, still by _id
    });
    const events = await Promise.all(
      ['request.reminded.v1', 'request.escalated.v1'].map((type) =>
        findEvent(sut.js, 'SHARING', (e) => e.subject === requestId && e.type.endsWith(type)),
      ),
    );
    assert.equal(events.length, 2, 'reminded, then escalated');
  });
});
