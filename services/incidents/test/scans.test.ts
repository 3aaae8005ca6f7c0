import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, toNatsMessage } from '@openlgsp/events';
import {
  assertNoHotPathScans,
  findEvent,
  manualClock,
  serviceSuite,
  type ServiceUnderTest,
} from '@openlgsp/http/testing';
import { AssessmentsRepository } from '../src/assessments/assessments.repository.js';
import { DeadlinesScheduler } from '../src/deadlines/deadlines.scheduler.js';
import { alertBody, reportBody, startIncidents } from './service.js';

/**
 * Issue 12: every store query the incidents service makes per request or per event is by `_id` on
 * FerretDB (lgsp-ferretdb counts the others: `{lgspScans: 1}`). The outbox timer is off and the sweep
 * is called by hand (hotPathScans), so that the window counts only the work under test.
 */
const clock = manualClock(new Date('2026-12-07T09:00:00+07:00'));
const { sut, tokens } = serviceSuite(() => startIncidents(clock, { OUTBOX_SWEEP_MS: '3600000' }), {
  tokens: {
    officer: ['SYT', ['provider'], 'syt-officer'],
    colleague: ['SYT', ['consumer'], 'syt-colleague'],
    dic: ['STTTT', ['dic'], 'dic-responder'],
    committee: ['UBND', ['committee']],
  },
  ready: async () => {
    // The assessments' lists by system are filled from the store at their first lookup, once per
    // database (assessments stored before the lists existed): that scan is not per request.
    await sut.app.get(AssessmentsRepository).ofSystem('none', 'none');
  },
});

/** The answer's body (ids, here) once its status is the expected one. */
async function ok(answer: ReturnType<ServiceUnderTest['request']>, status: number) {
  const { status: got, body } = await answer;
  assert.equal(got, status, JSON.stringify(body));
  return body as Record<string, string | boolean>;
}

describe('no scan on a hot path (issue 12)', () => {
  it('reports, joins, lifecycle steps, alerts, warnings, registrations, assessments and the sweep read by _id', async (t) => {
    await assertNoHotPathScans(t, sut, clock, async () => {
      const first = await ok(
        sut.request('POST', '/incidents/incidents', {
          token: tokens.officer,
          body: reportBody({ source: 'syt-helpdesk', sourceRef: 'TICKET-1', severity: 'critical' }),
        }),
        201,
      );
      const id = first.incidentId as string;
      const again = await ok(
        sut.request('POST', '/incidents/incidents', {
          token: tokens.colleague,
          body: reportBody({
            source: 'syt-helpdesk',
            sourceRef: 'TICKET-1',
            observables: [{ type: 'url', value: 'https://login-gov.example/x', tlp: 'GREEN' }],
          }),
        }),
        201,
      );
      assert.equal(again.incidentId, id);
      await ok(sut.request('GET', `/incidents/incidents/${id}`, { token: tokens.dic }), 200);
      await ok(
        sut.request('POST', `/incidents/incidents/${id}/acknowledgement`, {
          token: tokens.dic,
          body: { note: 'Xác nhận', severity: 'high' },
        }),
        200,
      );
      await ok(
        sut.request('POST', `/incidents/incidents/${id}/assignment`, {
          token: tokens.dic,
          body: { assignee: { kind: 'dic', name: 'Đội ứng cứu STTTT' }, note: 'Đơn vị không tự xử lý được' },
        }),
        200,
      );

      // Two alerts of one indicator from a monitoring system: one opens an incident, one joins it.
      for (const sourceRef of ['edr-1', 'edr-2']) {
        const alert = createEvent('vn.openlgsp.incidents.alert.raised.v1', alertBody(sourceRef), {
          source: '/agencies/SNN/edr',
          agency: 'SNN',
          actor: 'snn-edr',
        });
        const m = toNatsMessage(alert);
        await sut.js.publish('lgsp.intake.SNN.incidents.alert.raised', m.body, {
          headers: m.headers,
          msgID: alert.id,
        });
        await findEvent(
          sut.js,
          'INCIDENTS',
          (e) =>
            (e.type.endsWith('incident.reported.v1') && e.subject === alert.id) ||
            (e.type.endsWith('incident.joined.v1') &&
              (e.data as { sourceRef?: string }).sourceRef === sourceRef),
        );
      }

      await ok(
        sut.request('POST', '/incidents/warnings', {
          token: tokens.dic,
          body: {
            title: 'Chiến dịch lừa đảo giả mạo cổng dịch vụ công',
            description: 'Thư giả mạo đang gửi tới nhiều cơ quan.',
            severity: 'high',
            measures: 'Chặn tên miền, cảnh báo cán bộ.',
            observables: [{ type: 'domain', value: 'login-gov.example', tlp: 'GREEN' }],
            tlp: 'GREEN',
          },
        }),
        201,
      );

      const registration = await ok(
        sut.request('POST', '/incidents/registrations', {
          token: tokens.officer,
          body: {
            kind: 'connect',
            accessPoint: { level: 'II', name: 'Sở Y tế', pointId: 'SYT-01' },
            service: 'kênh truyền số liệu 100 Mbps',
            systemId: 'syt-his',
            justification: 'Kết nối hệ thống quản lý bệnh viện.',
            documentRef: '101/SYT-CNTT',
          },
        }),
        201,
      );
      const rid = registration.registrationId as string;
      await ok(
        sut.request('POST', `/incidents/registrations/${rid}/proposal`, {
          token: tokens.dic,
          body: { recommendation: 'approve', note: 'Đủ điều kiện kỹ thuật' },
        }),
        200,
      );
      const assessment = await ok(
        sut.request('POST', '/incidents/assessments', {
          token: tokens.officer,
          body: {
            systemId: 'syt-his',
            systemName: 'Hệ thống HIS',
            purpose: 'pre-connection',
            assessor: 'Trung tâm Giám sát an toàn không gian mạng',
            assessedAt: '2026-12-01T09:00:00+07:00',
            findings: [{ findingId: 'F1', title: 'TLS 1.0 còn bật', severity: 'medium' }],
          },
        }),
        201,
      );
      await ok(
        sut.request('POST', `/incidents/assessments/${assessment.assessmentId as string}/confirmation`, {
          token: tokens.officer,
          body: {
            fixes: [{ findingId: 'F1', note: 'Đã tắt TLS 1.0' }],
            confirmationRef: '12/XN-ATTT',
            recheckDueAt: '2026-12-20T00:00:00+07:00',
          },
        }),
        200,
      );
      const decided = await ok(
        sut.request('POST', `/incidents/registrations/${rid}/decision`, {
          token: tokens.committee,
          body: { outcome: 'approved', note: 'Đồng ý', decisionRef: '55/QĐ-UBND' },
        }),
        200,
      );
      assert.equal(decided.assessmentId, assessment.assessmentId);
    });
  });

  it("the deadline tick reads a critical incident's clock steps by day and by _id", async (t) => {
    const tick = () => sut.app.get(DeadlinesScheduler).tick();
    const opened = await ok(
      sut.request('POST', '/incidents/incidents', {
        token: tokens.officer,
        body: reportBody({
          severity: 'critical',
          observables: [{ type: 'ip', value: '198.51.100.77', tlp: 'CLEAR' }],
        }),
      }),
      201,
    );
    const id = opened.incidentId as string;
    // The first tick of a database fills the deadline lists from the store, once.
    await tick();
    await assertNoHotPathScans(t, sut, clock, async () => {
      clock.advance(50 * 60_000); // a quarter of the hour left: reminder
      await tick();
      clock.advance(15 * 60_000); // past the hour: escalation
      await tick();
    });
    for (const type of ['deadline.reminded.v1', 'deadline.escalated.v1'])
      await findEvent(sut.js, 'INCIDENTS', (e) => e.subject === id && e.type.endsWith(type));
  });
});
