import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createEvent, toNatsMessage, type LgspEvent } from '@openlgsp/events';
import {
  findEvent,
  manualClock,
  publishedOpenApi,
  readStream,
  serviceSuite,
  waitFor,
} from '@openlgsp/http/testing';
import { DeadlinesScheduler } from '../src/deadlines/deadlines.scheduler.js';
import { alertBody, reportBody, startIncidents } from './service.js';

/**
 * The incidents service against a real nats-server and FerretDB: reports through its three doors,
 * deduplication under a burst, who sees what (TLP), the lifecycle, and the clocks across a restart.
 */
const START = new Date('2026-12-07T09:00:00+07:00');
const MINUTE = 60_000;
const clock = manualClock(START);
const { sut, tokens: t } = serviceSuite(() => startIncidents(clock), {
  tokens: {
    officer: ['SYT', ['provider'], 'syt-officer'],
    colleague: ['SYT', ['consumer'], 'syt-colleague'],
    system: ['SYT', ['integrator'], 'syt-edr'],
    otherOfficer: ['SXD', ['provider'], 'sxd-officer'],
    dic: ['STTTT', ['dic'], 'dic-responder'],
    auditor: ['TTRA', ['auditor']],
    police: ['CA', ['police']],
    publicApp: ['PORTAL', ['public-app']],
  },
});

const tick = () => sut.app.get(DeadlinesScheduler).tick();
const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const uniqueIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** A fresh report (its own indicator, so it opens its own incident), by the SYT officer. */
async function reported(over: Record<string, unknown> = {}, token = t.officer) {
  const body: Record<string, unknown> = reportBody(over);
  body.observables = [...(body.observables as object[]), { type: 'ip', value: uniqueIp(), tlp: 'CLEAR' }];
  const answer = await sut.request('POST', '/incidents/incidents', { token, body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.body.joined, false);
  return answer.body.incidentId as string;
}

const post = (id: string, step: string, token: string, body: unknown = { note: 'đã xử lý' }) =>
  sut.request('POST', `/incidents/incidents/${id}/${step}`, { token, body });

async function publishAlert(
  agency: string,
  sourceRef: string,
  data: Record<string, unknown>,
  source: string,
) {
  const event = createEvent('vn.openlgsp.incidents.alert.raised.v1', alertBody(sourceRef, data), {
    source,
    agency,
    actor: `${agency.toLowerCase()}-edr`,
  });
  const { headers, body } = toNatsMessage(event);
  await sut.js.publish(`lgsp.intake.${agency}.incidents.alert.raised`, body, { headers, msgID: event.id });
  return event;
}

describe('reporting and who sees what', () => {
  it('an officer reports; the event carries the HTTP trace and withholds TLP:RED', async () => {
    const tp = traceparent();
    const body = reportBody();
    const answer = await sut.request('POST', '/incidents/incidents', {
      token: t.officer,
      body,
      headers: { traceparent: tp },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const { incidentId } = answer.body;
    const event = await findEvent<{
      observables: { tlp: string; value: string }[];
      withheldObservables: number;
    }>(sut.js, 'INCIDENTS', (e) => e.subject === incidentId && e.type.endsWith('incident.reported.v1'));
    assert.equal(event.traceparent?.split('-')[1], tp.split('-')[1]);
    assert.equal(event.data.withheldObservables, 1);
    assert.ok(event.data.observables.every((o) => o.tlp !== 'RED'));
    assert.ok(!JSON.stringify(event).includes('attacker@evil.example'));
    // canonical: the domain in lower case
    assert.ok(event.data.observables.some((o) => o.value === 'login-gov.example'));
  });

  it('TLP: DIC and the reporter see RED, the agency AMBER, auditors GREEN, other agencies nothing', async () => {
    const id = await reported();
    const view = async (token: string) => sut.request('GET', `/incidents/incidents/${id}`, { token });
    const tlps = (body: { observables: { tlp: string }[] }) => new Set(body.observables.map((o) => o.tlp));
    const dic = await view(t.dic);
    assert.ok(tlps(dic.body).has('RED'));
    const reporter = await view(t.officer);
    assert.ok(tlps(reporter.body).has('RED'));
    const colleague = await view(t.colleague);
    assert.equal(colleague.status, 200);
    assert.ok(!tlps(colleague.body).has('RED'));
    assert.ok(tlps(colleague.body).has('AMBER'));
    assert.equal(colleague.body.withheldObservables, 1);
    assert.equal(colleague.body.fingerprint, undefined);
    const auditor = await view(t.auditor);
    assert.deepEqual([...tlps(auditor.body)].sort(), ['CLEAR', 'GREEN']);
    assert.equal((await view(t.otherOfficer)).status, 404);
    assert.equal((await view(t.police)).status, 404);
    // marked for the police, who may then read it, without AMBER or RED
    assert.equal(
      (await post(id, 'police-referral', t.officer, { note: 'Lừa đảo, báo Công an' })).status,
      200,
    );
    const police = await view(t.police);
    assert.equal(police.status, 200);
    assert.deepEqual([...tlps(police.body)].sort(), ['CLEAR', 'GREEN']);
  });

  it('lists and searches never reveal a RED indicator to those who may not see it', async () => {
    await reported();
    const search = (token: string, value: string) =>
      sut.request('GET', `/incidents/incidents?observable=${encodeURIComponent(value)}&limit=200`, { token });
    assert.ok((await search(t.dic, 'attacker@evil.example')).body.items.length > 0);
    assert.ok((await search(t.officer, 'attacker@evil.example')).body.items.length > 0);
    assert.equal((await search(t.colleague, 'attacker@evil.example')).body.items.length, 0);
    assert.equal((await search(t.otherOfficer, 'login-gov.example')).body.items.length, 0);
    // indicators are found in any form they are written in
    assert.ok((await search(t.colleague, 'LOGIN-GOV.Example')).body.items.length > 0);
    const colleagueList = await sut.request('GET', '/incidents/incidents?limit=200', { token: t.colleague });
    assert.ok(colleagueList.body.items.length > 0);
    assert.ok(!JSON.stringify(colleagueList.body).includes('attacker@evil.example'));
    const otherList = await sut.request('GET', '/incidents/incidents?limit=200', { token: t.otherOfficer });
    assert.ok(otherList.body.items.every((i: { agency: string }) => i.agency === 'SXD'));
  });

  it("DIC's hotline reports on an agency's behalf, recorded as such with who took the call", async () => {
    const body = { ...reportBody(), agency: 'SGTVT' };
    const answer = await sut.request('POST', '/incidents/incidents/hotline', { token: t.dic, body });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const incident = await sut.request('GET', `/incidents/incidents/${answer.body.incidentId}`, {
      token: t.dic,
    });
    assert.equal(incident.body.door, 'hotline');
    assert.equal(incident.body.agency, 'SGTVT');
    assert.equal(incident.body.takenBy, 'dic-responder');
    const refused = await sut.request('POST', '/incidents/incidents/hotline', { token: t.officer, body });
    assert.equal(refused.status, 403);
  });

  it('a report with the same source reference joins the open incident, and says which', async () => {
    const first = await reported({ source: 'syt-helpdesk', sourceRef: 'TICKET-1' });
    const again = await sut.request('POST', '/incidents/incidents', {
      token: t.colleague,
      body: reportBody({
        source: 'syt-helpdesk',
        sourceRef: 'TICKET-1',
        observables: [{ type: 'url', value: 'https://login-gov.example/x', tlp: 'GREEN' }],
      }),
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.deepEqual(
      { incidentId: again.body.incidentId, joined: again.body.joined, matchedBy: again.body.matchedBy },
      { incidentId: first, joined: true, matchedBy: 'source' },
    );
  });
});

describe('simultaneous first reports', () => {
  it('of the same incident: one opens it, the others join it and are told which', async () => {
    const body = reportBody({
      category: 'intrusion-attempts/brute-force',
      observables: [{ type: 'ip', value: '203.0.113.200', tlp: 'GREEN' }],
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        sut.request('POST', '/incidents/incidents', { token: t.officer, body }),
      ),
    );
    for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.body));
    const opened = answers.filter((a) => !a.body.joined);
    assert.equal(opened.length, 1);
    const incidentId = opened[0]!.body.incidentId;
    assert.ok(answers.every((a) => a.body.incidentId === incidentId));
    const incident = await sut.request('GET', `/incidents/incidents/${incidentId}`, { token: t.dic });
    assert.equal(incident.body.reportCount, 10);
  });
});

describe('bad input and authorisation', () => {
  it('refuses 10,000 observables, a 1 MB description, malformed IPs and hashes, with the field', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'ip',
      value: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      tlp: 'GREEN',
    }));
    const tooMany = await sut.request('POST', '/incidents/incidents', {
      token: t.officer,
      body: reportBody({ observables: many }),
    });
    assert.ok([400, 413].includes(tooMany.status), String(tooMany.status));
    const huge = await sut.request('POST', '/incidents/incidents', {
      token: t.officer,
      body: reportBody({ description: 'x'.repeat(1_048_576) }),
    });
    assert.ok([400, 413].includes(huge.status), String(huge.status));
    for (const [observable, code] of [
      [{ type: 'ip', value: '999.1.1.1', tlp: 'GREEN' }, 'malformed-ip'],
      [{ type: 'file-hash', value: 'xyz123', tlp: 'GREEN' }, 'malformed-hash'],
    ] as const) {
      const bad = await sut.request('POST', '/incidents/incidents', {
        token: t.officer,
        body: reportBody({ observables: [observable] }),
      });
      assert.equal(bad.status, 422, JSON.stringify(bad.body));
      assert.equal(bad.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.match(JSON.stringify(bad.body), /\/observables\/0\/value/);
      assert.match(JSON.stringify(bad.body), new RegExp(code.split('-')[1]!));
    }
    const future = await sut.request('POST', '/incidents/incidents', {
      token: t.officer,
      body: reportBody({ detectedAt: '2027-01-01T00:00:00+07:00' }),
    });
    assert.equal(future.status, 422);
  });

  it('every endpoint by role and by own or other agency', async () => {
    const id = await reported();
    const anon = await sut.request('GET', '/incidents/incidents');
    assert.equal(anon.status, 401);
    for (const token of [t.publicApp, t.auditor, t.police, t.dic])
      assert.equal(
        (await sut.request('POST', '/incidents/incidents', { token, body: reportBody() })).status,
        403,
      );
    assert.equal((await sut.request('GET', '/incidents/incidents', { token: t.publicApp })).status, 403);
    const steps: [string, unknown][] = [
      ['acknowledgement', { note: 'Đã phân loại' }],
      ['assignment', { assignee: { kind: 'agency-it', name: 'Phòng CNTT' }, note: 'Giao' }],
      ['containment', { note: 'Cô lập' }],
      ['eradication', { note: 'Gỡ mã độc' }],
      ['recovery', { note: 'Khôi phục' }],
      ['resolution', { note: 'Xong' }],
      ['reports', { kind: 'final', documentRef: '12/BC', channel: 'email' }],
      ['closure', { note: 'Đóng' }],
      ['reopening', { note: 'Mở lại' }],
      ['police-referral', { note: 'Báo công an' }],
      ['cert-escalation', { cert: 'VNCERT/CC', reference: 'VN-1', note: 'Vượt khả năng' }],
    ];
    for (const [step, body] of steps) {
      // another agency does not learn the incident exists; roles outside the response are refused
      const other = await post(id, step, t.otherOfficer, body);
      assert.ok([403, 404].includes(other.status), `${step} by another agency: ${other.status}`);
      if (step !== 'cert-escalation') assert.equal(other.status, 404, step);
      for (const token of [t.auditor, t.police, t.publicApp])
        assert.equal((await post(id, step, token, body)).status, 403, step);
    }
    // only DIC escalates to the CERT
    assert.equal((await post(id, 'cert-escalation', t.officer, steps.at(-1)![1])).status, 403);
    // a transition without a reason is refused with the field
    const noNote = await post(id, 'acknowledgement', t.officer, {});
    assert.equal(noNote.status, 400);
    assert.match(JSON.stringify(noNote.body), /note/);
  });
});

describe('authorisation of the other doors', () => {
  it('warnings, registrations, assessments and annual reports, by role and by own or other agency', async () => {
    const committee = await sut.token('UBND', ['committee']);
    const registration = await sut.request('POST', '/incidents/registrations', {
      token: t.officer,
      body: {
        kind: 'disconnect',
        accessPoint: { level: 'II', name: 'Sở Y tế' },
        service: 'kênh truyền số liệu',
        justification: 'Không còn sử dụng.',
        documentRef: '2/SYT',
      },
    });
    assert.equal(registration.status, 201);
    const r = `/incidents/registrations/${registration.body.registrationId}`;
    const assessment = await sut.request('POST', '/incidents/assessments', {
      token: t.officer,
      body: {
        systemId: 'syt-mail',
        systemName: 'Thư điện tử',
        purpose: 'periodic',
        assessor: 'Trung tâm Giám sát',
        assessedAt: '2026-12-01T09:00:00+07:00',
        findings: [],
      },
    });
    assert.equal(assessment.status, 201);
    const a = `/incidents/assessments/${assessment.body.assessmentId}`;
    const warning = {
      title: 'Cảnh báo',
      description: 'Mô tả',
      severity: 'low',
      measures: 'Biện pháp',
      observables: [],
      tlp: 'CLEAR',
    };
    const cases: [string, string, string, unknown, number][] = [
      ['POST', '/incidents/warnings', t.auditor, warning, 403],
      ['POST', '/incidents/warnings', t.police, warning, 403],
      ['GET', '/incidents/warnings', t.publicApp, undefined, 403],
      ['POST', '/incidents/registrations', t.dic, {}, 403],
      ['POST', '/incidents/registrations', committee, {}, 403],
      ['POST', '/incidents/registrations', t.publicApp, {}, 403],
      ['POST', `${r}/proposal`, t.officer, { recommendation: 'approve', note: 'x' }, 403],
      ['POST', `${r}/proposal`, committee, { recommendation: 'approve', note: 'x' }, 403],
      ['POST', `${r}/decision`, t.dic, { outcome: 'approved', note: 'x' }, 403],
      ['POST', `${r}/decision`, t.officer, { outcome: 'approved', note: 'x' }, 403],
      ['GET', r, t.otherOfficer, undefined, 404],
      ['GET', r, t.police, undefined, 403],
      ['POST', '/incidents/assessments', t.auditor, {}, 403],
      ['POST', '/incidents/assessments', committee, {}, 403],
      ['GET', a, t.otherOfficer, undefined, 404],
      ['POST', `${a}/confirmation`, t.otherOfficer, { fixes: [], confirmationRef: '1/XN' }, 404],
      ['POST', `${a}/confirmation`, t.auditor, { fixes: [], confirmationRef: '1/XN' }, 403],
      ['GET', '/incidents/assessments/overdue-rechecks', t.officer, undefined, 403],
      ['POST', '/incidents/annual-reports', t.dic, { kind: 'security', year: 2026, documentRef: 'x' }, 403],
      [
        'POST',
        '/incidents/annual-reports',
        t.auditor,
        { kind: 'security', year: 2026, documentRef: 'x' },
        403,
      ],
      ['POST', '/incidents/annual-reports/expectations', t.officer, { year: 2026, agencies: ['SYT'] }, 403],
      ['GET', '/incidents/annual-reports', t.publicApp, undefined, 403],
      ['GET', '/incidents/annual-reports', t.police, undefined, 403],
    ];
    for (const [method, path, token, body, status] of cases) {
      const answer = await sut.request(method, path, { token, ...(body === undefined ? {} : { body }) });
      assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    }
    // the owner still reads its own
    assert.equal((await sut.request('GET', r, { token: t.colleague })).status, 200);
    assert.equal((await sut.request('GET', a, { token: t.officer })).status, 200);
  });
});

describe('the lifecycle', () => {
  it('goes through the phases, each step naming who and why; closes only with the final report', async () => {
    const id = await reported({ severity: 'critical' });
    assert.equal(
      (await post(id, 'acknowledgement', t.dic, { note: 'Xác nhận', severity: 'high' })).status,
      200,
    );
    const assigned = await post(id, 'assignment', t.dic, {
      assignee: { kind: 'dic', name: 'Đội ứng cứu STTTT' },
      note: 'Đơn vị không tự xử lý được',
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const initial = await findEvent<{ initialReportDueAt?: string }>(
      sut.js,
      'INCIDENTS',
      (e) => e.subject === id && e.type.endsWith('incident.assigned.v1'),
    );
    assert.ok(initial.data.initialReportDueAt);
    assert.equal((await post(id, 'containment', t.officer, { note: 'Cô lập máy chủ' })).status, 200);
    assert.equal((await post(id, 'resolution', t.officer, { note: 'Đã khôi phục' })).status, 200);
    const early = await post(id, 'closure', t.officer, { note: 'Đóng' });
    assert.equal(early.status, 409);
    assert.match(JSON.stringify(early.body), /Thông tư 20\/2017/);
    const escalated = await post(id, 'cert-escalation', t.dic, {
      cert: 'VNCERT/CC',
      reference: 'VNCERT-2026-0042',
      note: 'Chiến dịch diện rộng',
    });
    assert.equal(escalated.status, 200);
    assert.equal(
      (
        await post(id, 'reports', t.officer, {
          kind: 'final',
          documentRef: '15/BC-SYT',
          channel: 'electronic-document',
        })
      ).status,
      200,
    );
    assert.equal((await post(id, 'closure', t.officer, { note: 'Hoàn tất' })).status, 200);
    const incident = (await sut.request('GET', `/incidents/incidents/${id}`, { token: t.dic })).body;
    assert.equal(incident.status, 'closed');
    assert.equal(incident.cert.reference, 'VNCERT-2026-0042');
    assert.deepEqual(
      incident.history.map((h: { action: string }) => h.action),
      [
        'reported',
        'acknowledged',
        'assigned',
        'contained',
        'resolved',
        'escalated-to-cert',
        'final-report',
        'closed',
      ],
    );
    assert.ok(incident.history.every((h: { by: string; note: string }) => h.by && h.note));
  });
});

describe('intake from monitoring systems', () => {
  it('a burst of 200 alerts, most duplicates, opens exactly one incident per distinct alert, every alert linked', async () => {
    const agency = 'SNN';
    const groups = 12;
    const source = '/agencies/SNN/edr';
    const events: LgspEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const group = i % groups;
      // a third are re-sent alerts (same sourceRef), the rest new alerts of the same indicator
      const sourceRef = i % 3 === 0 && i >= groups ? `alert-${group}` : `alert-${group}-${i}`;
      events.push(
        await publishAlert(
          agency,
          i < groups ? `alert-${group}` : sourceRef,
          {
            observables: [
              { type: 'file-hash', value: randomHash(group), tlp: 'GREEN' },
              { type: 'ip', value: `192.0.2.${group}`, tlp: i % 2 ? 'RED' : 'AMBER' },
            ],
          },
          source,
        ),
      );
    }
    const ids = new Set(events.map((e) => e.id));
    const outcome = await waitFor(
      'every alert linked to an incident',
      async () => {
        const mine = (await readStream(sut.js, 'INCIDENTS')).filter(
          (e) => (e.data as { agency?: string }).agency === agency,
        );
        const reportedEvents = mine.filter((e) => e.type.endsWith('incident.reported.v1'));
        const joined = mine.filter((e) => e.type.endsWith('incident.joined.v1'));
        return reportedEvents.length + joined.length >= 200 ? { reportedEvents, joined } : undefined;
      },
      120_000,
    );
    assert.equal(outcome.reportedEvents.length, groups);
    assert.equal(outcome.joined.length, 200 - groups);
    // every opened incident took the id of the alert that opened it; every join names an opened incident
    const opened = new Set(outcome.reportedEvents.map((e) => e.subject!));
    for (const id of opened) assert.ok(ids.has(id));
    for (const e of outcome.joined) assert.ok(opened.has(e.subject!));
    // RED indicators never leave the store in events
    assert.ok(!outcome.joined.some((e) => JSON.stringify(e.data).includes('"RED"')));
    const list = await sut.request('GET', `/incidents/incidents?agency=${agency}&limit=200`, {
      token: t.dic,
    });
    assert.equal(list.body.items.length, groups);
    const counted = list.body.items.reduce((n: number, i: { reportCount: number }) => n + i.reportCount, 0);
    assert.equal(counted, 200);
    assert.ok(outcome.joined.some((e) => (e.data as { matchedBy: string }).matchedBy === 'source'));
    assert.ok(outcome.joined.some((e) => (e.data as { matchedBy: string }).matchedBy === 'fingerprint'));
  });

  it('refuses a malformed alert on lgsp.rejected.<agency> with the field', async () => {
    const bad = await publishAlert(
      'SNN',
      'bad-1',
      { observables: [{ type: 'ip', value: '300.300.1.1', tlp: 'GREEN' }] },
      '/agencies/SNN/edr',
    );
    const rejection = await findEvent<{ eventId: string; reasons: { path?: string }[] }>(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId?: string }).eventId === bad.id,
    );
    assert.equal(rejection.natsSubject, 'lgsp.rejected.SNN');
    assert.equal(rejection.data.reasons[0]?.path, '/data/observables/0/value');
  });
});

describe('the clocks, on stored dates, across a restart', () => {
  it("a critical incident's triage clock reminds, then escalates to DIC, once each, after a restart", async () => {
    clock.set(START);
    const id = await reported({ severity: 'critical' });
    await tick();
    clock.advance(50 * MINUTE); // a quarter of the hour left: reminder
    await tick();
    await findEvent(sut.js, 'INCIDENTS', (e) => e.subject === id && e.type.endsWith('deadline.reminded.v1'));
    await sut.restart(); // nothing about clocks lives in memory
    clock.advance(15 * MINUTE); // past the hour
    await sut.app.get(DeadlinesScheduler).tick();
    await tick();
    const escalated = await findEvent<{ clock: string }>(
      sut.js,
      'INCIDENTS',
      (e) => e.subject === id && e.type.endsWith('deadline.escalated.v1'),
    );
    assert.equal(escalated.data.clock, 'acknowledgement');
    const all = (await readStream(sut.js, 'INCIDENTS')).filter((e) => e.subject === id);
    const of = (type: string) =>
      all.filter((e) => e.type.endsWith(type) && (e.data as { clock: string }).clock === 'acknowledgement');
    assert.equal(of('deadline.reminded.v1').length, 1);
    assert.equal(of('deadline.escalated.v1').length, 1);
    clock.set(START);
  });
});

describe('warnings', () => {
  it('DIC warns every agency; only TLP:CLEAR or GREEN; every agency reads it', async () => {
    const body = {
      title: 'Chiến dịch lừa đảo giả mạo cổng dịch vụ công',
      description: 'Thư giả mạo đang gửi tới nhiều cơ quan.',
      severity: 'high',
      measures: 'Chặn tên miền, cảnh báo cán bộ.',
      observables: [{ type: 'domain', value: 'login-gov.example', tlp: 'GREEN' }],
      tlp: 'GREEN',
    };
    const issued = await sut.request('POST', '/incidents/warnings', { token: t.dic, body });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const event = await findEvent(sut.js, 'INCIDENTS', (e) => e.subject === issued.body.warningId);
    assert.equal(event.natsSubject, 'lgsp.incidents.warning.issued');
    assert.equal(
      (await sut.request('GET', `/incidents/warnings/${issued.body.warningId}`, { token: t.otherOfficer }))
        .status,
      200,
    );
    assert.equal((await sut.request('POST', '/incidents/warnings', { token: t.officer, body })).status, 403);
    const amber = await sut.request('POST', '/incidents/warnings', {
      token: t.dic,
      body: { ...body, tlp: 'AMBER' },
    });
    assert.equal(amber.status, 400);
  });
});

describe('network registrations and security assessments', () => {
  it("a connection without a passed assessment is refused with the rule's source; with one it is approved", async () => {
    clock.set(START);
    const committee = await sut.token('UBND', ['committee']);
    const body = {
      kind: 'connect',
      accessPoint: { level: 'II', name: 'Sở Y tế', pointId: 'SYT-01' },
      service: 'kênh truyền số liệu 100 Mbps',
      systemId: 'syt-his',
      justification: 'Kết nối hệ thống quản lý bệnh viện.',
      documentRef: '101/SYT-CNTT',
    };
    const asked = await sut.request('POST', '/incidents/registrations', { token: t.officer, body });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const id = asked.body.registrationId;
    const proposal = { recommendation: 'approve', note: 'Đủ điều kiện kỹ thuật' };
    assert.equal(
      (
        await sut.request('POST', `/incidents/registrations/${id}/proposal`, {
          token: t.officer,
          body: proposal,
        })
      ).status,
      403,
    );
    assert.equal(
      (await sut.request('POST', `/incidents/registrations/${id}/proposal`, { token: t.dic, body: proposal }))
        .status,
      200,
    );
    const decision = { outcome: 'approved', note: 'Đồng ý', decisionRef: '55/QĐ-UBND' };
    assert.equal(
      (await sut.request('POST', `/incidents/registrations/${id}/decision`, { token: t.dic, body: decision }))
        .status,
      403,
    );
    const refused = await sut.request('POST', `/incidents/registrations/${id}/decision`, {
      token: committee,
      body: decision,
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(JSON.stringify(refused.body), /001 Điều 7\.2/);

    const recorded = await sut.request('POST', '/incidents/assessments', {
      token: t.officer,
      body: {
        systemId: 'syt-his',
        systemName: 'Hệ thống HIS',
        purpose: 'pre-connection',
        assessor: 'Trung tâm Giám sát an toàn không gian mạng',
        assessedAt: '2026-12-01T09:00:00+07:00',
        findings: [{ findingId: 'F1', title: 'TLS 1.0 còn bật', severity: 'medium' }],
      },
    });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    const aid = recorded.body.assessmentId;
    assert.equal(
      (await sut.request('GET', `/incidents/assessments/${aid}`, { token: t.otherOfficer })).status,
      404,
    );
    const confirmed = await sut.request('POST', `/incidents/assessments/${aid}/confirmation`, {
      token: t.officer,
      body: {
        fixes: [{ findingId: 'F1', note: 'Đã tắt TLS 1.0' }],
        confirmationRef: '12/XN-ATTT',
        recheckDueAt: '2026-12-20T00:00:00+07:00',
      },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const approved = await sut.request('POST', `/incidents/registrations/${id}/decision`, {
      token: committee,
      body: decision,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.assessmentId, aid);

    // past its re-check date, the system is on DIC's overdue list
    clock.set(new Date('2026-12-21T00:00:00+07:00'));
    const overdue = await sut.request('GET', '/incidents/assessments/overdue-rechecks', { token: t.dic });
    assert.equal(overdue.status, 200);
    assert.ok(overdue.body.items.some((o: { assessmentId: string }) => o.assessmentId === aid));
    assert.equal(
      (await sut.request('GET', '/incidents/assessments/overdue-rechecks', { token: t.officer })).status,
      403,
    );
    clock.set(START);
  });
});

describe('annual reports', () => {
  it('reminded before the due date, submitted, the missing one overdue for DIC, once each', async () => {
    const expect = (token: string) =>
      sut.request('POST', '/incidents/annual-reports/expectations', {
        token,
        body: { year: 2026, agencies: ['SYT', 'SXD'] },
      });
    assert.equal((await expect(t.officer)).status, 403);
    clock.set(new Date('2026-10-01T09:00:00+07:00'));
    const expected = await expect(t.dic);
    assert.equal(expected.status, 200, JSON.stringify(expected.body));
    assert.equal(expected.body.expected, 4);
    assert.equal((await expect(t.dic)).body.expected, 0);
    clock.set(new Date('2026-11-05T09:00:00+07:00')); // 10 days before 15 November
    await tick();
    await findEvent(
      sut.js,
      'INCIDENTS',
      (e) => e.subject === 'security:SYT:2026' && e.type.endsWith('annual-report.reminded.v1'),
    );
    const submitted = await sut.request('POST', '/incidents/annual-reports', {
      token: t.officer,
      body: { kind: 'security', year: 2026, documentRef: '88/BC-SYT' },
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.late, false);
    clock.set(new Date('2026-12-02T09:00:00+07:00'));
    await tick();
    await tick();
    const overdue = await sut.request('GET', '/incidents/annual-reports?overdue=true&year=2026', {
      token: t.dic,
    });
    const ids = overdue.body.items.map((r: { _id: string }) => r._id).sort();
    assert.deepEqual(ids, ['network-use:SXD:2026', 'network-use:SYT:2026', 'security:SXD:2026']);
    const flagged = (await readStream(sut.js, 'INCIDENTS')).filter((e) =>
      e.type.endsWith('annual-report.overdue.v1'),
    );
    assert.equal(flagged.length, 3);
    const own = await sut.request('GET', '/incidents/annual-reports?limit=200', { token: t.officer });
    assert.ok(own.body.items.every((r: { agency: string }) => r.agency === 'SYT'));
    clock.set(START);
  });
});

describe('the published OpenAPI document', () => {
  it('is served at /incidents/openapi.json and matches contracts/openapi/incidents.json', async () => {
    const { served, published } = await publishedOpenApi(sut, 'incidents');
    assert.equal(
      published,
      served,
      'contracts/openapi/incidents.json is stale: run UPDATE_CONTRACTS=1 npm test and commit it',
    );
  });
});

function randomHash(seed: number): string {
  return (seed.toString(16).padStart(2, '0') + 'ab'.repeat(31)).slice(0, 64);
}
