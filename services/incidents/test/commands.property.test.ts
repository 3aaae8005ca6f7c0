import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  describeCommandProperties,
  manualClock,
  serviceSuite,
  type CommandEndpoint,
  type HttpAnswer,
} from '@openlgsp/http/testing';
import { reportBody, startIncidents } from './service.js';

/**
 * Every mutating endpoint of the incidents service, with bodies generated from its command schema
 * (contracts/commands/incidents), against the real service and engines.
 */
const START = new Date('2026-12-07T09:00:00+07:00');
const DAY = 86_400_000;
const clock = manualClock(START);
const { sut, tokens, watch } = serviceSuite(() => startIncidents(clock), {
  tokens: {
    officer: ['SYT', ['provider'], 'syt-officer'],
    dic: ['STTTT', ['dic'], 'dic-responder'],
    committee: ['UBND', ['committee']],
  },
  watch: 'INCIDENTS',
});

function expectStatus(answer: HttpAnswer, status: number) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  return answer.body as Record<string, string>;
}
const call = (path: string, token: string, body: unknown) => sut.request('POST', path, { token, body });

let n = 0;
/** A fresh incident of SYT (its own indicator, so it opens its own). */
async function reported() {
  n++;
  const body = reportBody({
    observables: [{ type: 'ip', value: `198.18.${Math.floor(n / 250)}.${n % 250}`, tlp: 'GREEN' }],
  });
  return expectStatus(await call('/incidents/incidents', tokens.officer, body), 201).incidentId!;
}
async function acknowledged() {
  const id = await reported();
  expectStatus(
    await call(`/incidents/incidents/${id}/acknowledgement`, tokens.dic, { note: 'Xác nhận' }),
    200,
  );
  return id;
}
async function assigned() {
  const id = await acknowledged();
  const body = { assignee: { kind: 'agency-it', name: 'Phòng CNTT' }, note: 'Giao xử lý' };
  expectStatus(await call(`/incidents/incidents/${id}/assignment`, tokens.dic, body), 200);
  return id;
}
async function requested(kind = 'disconnect') {
  const body = {
    kind,
    accessPoint: { level: 'II', name: 'Sở Y tế' },
    service: 'kênh truyền số liệu',
    justification: 'Không còn sử dụng.',
    documentRef: '1/SYT',
  };
  return expectStatus(await call('/incidents/registrations', tokens.officer, body), 201).registrationId!;
}
async function proposed() {
  const id = await requested();
  const body = { recommendation: 'approve', note: 'Đủ điều kiện' };
  expectStatus(await call(`/incidents/registrations/${id}/proposal`, tokens.dic, body), 200);
  return id;
}
async function assessment() {
  const body = {
    systemId: 'syt-his',
    systemName: 'HIS',
    purpose: 'pre-connection',
    assessor: 'Trung tâm Giám sát',
    assessedAt: '2026-12-01T09:00:00+07:00',
    findings: [{ findingId: 'F1', title: 'TLS 1.0', severity: 'medium' }],
  };
  return expectStatus(await call('/incidents/assessments', tokens.officer, body), 201).assessmentId!;
}

const past = fc
  .integer({ min: 1, max: 30 * 24 })
  .map((hours) => new Date(START.getTime() - hours * 3_600_000).toISOString());
const future = fc
  .integer({ min: 1, max: 700 })
  .map((days) => new Date(START.getTime() + days * DAY).toISOString());
const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `192.0.${a}.${b}`);
const observables = fc.array(
  fc.record({
    type: fc.constant('ip'),
    value: ip,
    tlp: fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
  }),
  { maxLength: 5 },
);
const reportOverrides = () => ({ '/detectedAt': past, '/observables': observables });
const onIncident = (make: () => Promise<string>, step: string, token = () => tokens.officer) => ({
  method: 'POST' as const,
  token,
  target: async () => {
    const id = await make();
    return { path: `/incidents/incidents/${id}/${step}`, subject: id };
  },
});

const endpoints: CommandEndpoint[] = [
  {
    command: 'incidents.incident.report',
    method: 'POST',
    token: () => tokens.officer,
    target: async () => ({ path: '/incidents/incidents' }),
    subjectFrom: (a) => a.incidentId!,
    overrides: reportOverrides,
  },
  {
    command: 'incidents.incident.take-call',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => ({ path: '/incidents/incidents/hotline' }),
    subjectFrom: (a) => a.incidentId!,
    overrides: reportOverrides,
  },
  { command: 'incidents.incident.acknowledge', ...onIncident(reported, 'acknowledgement') },
  { command: 'incidents.incident.assign', ...onIncident(acknowledged, 'assignment') },
  { command: 'incidents.incident.transition', ...onIncident(assigned, 'containment') },
  { command: 'incidents.incident.submit-report', ...onIncident(reported, 'reports') },
  { command: 'incidents.incident.escalate', ...onIncident(reported, 'cert-escalation', () => tokens.dic) },
  {
    command: 'incidents.warning.issue',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => ({ path: '/incidents/warnings' }),
    subjectFrom: (a) => a.warningId!,
    overrides: () => ({
      '/observables': fc.array(
        fc.record({ type: fc.constant('ip'), value: ip, tlp: fc.constantFrom('CLEAR', 'GREEN') }),
        { maxLength: 3 },
      ),
      '/validUntil': fc.option(future, { nil: undefined }),
    }),
  },
  {
    command: 'incidents.registration.request',
    method: 'POST',
    token: () => tokens.officer,
    target: async () => ({ path: '/incidents/registrations' }),
    subjectFrom: (a) => a.registrationId!,
  },
  {
    command: 'incidents.registration.propose',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => {
      const id = await requested();
      return { path: `/incidents/registrations/${id}/proposal`, subject: id };
    },
  },
  {
    command: 'incidents.registration.decide',
    method: 'POST',
    token: () => tokens.committee,
    target: async () => {
      const id = await proposed();
      return { path: `/incidents/registrations/${id}/decision`, subject: id };
    },
  },
  {
    command: 'incidents.assessment.record',
    method: 'POST',
    token: () => tokens.officer,
    target: async () => ({ path: '/incidents/assessments' }),
    subjectFrom: (a) => a.assessmentId!,
    overrides: () => ({ '/assessedAt': past }),
    // An officer records its own agency's systems; DIC would name another.
    fit: ({ agency: _agency, ...body }) => body,
  },
  {
    command: 'incidents.assessment.confirm',
    method: 'POST',
    token: () => tokens.officer,
    target: async () => {
      const id = await assessment();
      return { path: `/incidents/assessments/${id}/confirmation`, subject: id };
    },
    overrides: () => ({
      '/fixes': fc.constant([{ findingId: 'F1', note: 'Đã tắt TLS 1.0' }]),
      '/recheckDueAt': fc.option(future, { nil: undefined }),
    }),
  },
  {
    command: 'incidents.annual-report.submit',
    method: 'POST',
    token: () => tokens.officer,
    target: async () => ({ path: '/incidents/annual-reports' }),
    subjectFrom: (a) => `${a.kind}:SYT:${a.year}`,
  },
];

describeCommandProperties({ sut: () => sut, watch: () => watch, endpoints, runs: 15 });
