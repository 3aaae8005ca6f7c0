import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import {
  consumer,
  config,
  details,
  dic,
  landEntry,
  local,
  MONDAY,
  otherProvider,
  parcelService,
  provider,
  REQUEST_ID,
  violation,
} from '../../test/fixtures.js';
import {
  approve,
  escalate,
  isOverdue,
  refuse,
  remind,
  startReview,
  submit,
  withdraw,
} from './request.rules.js';

const submitted = () =>
  unwrap(submit(REQUEST_ID, landEntry(), null, details(), consumer, MONDAY, config)).next;

describe('sharing request rules', () => {
  it('submits with a due date 10 working days ahead and a reminder 2 working days before it', () => {
    const { next, facts } = unwrap(
      submit(REQUEST_ID, landEntry(), null, details(), consumer, MONDAY, config),
    );
    assert.equal(next.status, 'submitted');
    assert.equal(next.requesterAgency, 'SXD');
    assert.equal(next.ownerAgency, 'STNMT');
    // Monday 2 March + 10 working days = Monday 16 March, ending at local midnight
    assert.deepEqual(next.dueAt, local('2026-03-17T00:00:00'));
    assert.deepEqual(next.reminderAt, local('2026-03-13T00:00:00'));
    assert.deepEqual(
      facts.map((f) => f.type),
      ['vn.openlgsp.sharing.request.submitted.v1'],
    );
  });

  it('grants default-shared data at once and records the request', () => {
    const { next, facts } = unwrap(
      submit(REQUEST_ID, landEntry({ sharingMode: 'default' }), null, details(), consumer, MONDAY, config),
    );
    assert.equal(next.status, 'approved');
    assert.equal(next.mode, 'default');
    assert.equal(next.dueAt, null);
    assert.equal(next.decision?.outcome === 'approved' && next.decision.automatic, true);
    assert.deepEqual(
      facts.map((f) => f.type),
      ['vn.openlgsp.sharing.request.submitted.v1', 'vn.openlgsp.sharing.request.approved.v1'],
    );
  });

  it('refuses what cannot be asked: unknown fields, a withdrawn entry, own data, a foreign service, a past period', () => {
    const at = (
      over: Parameters<typeof details>[0],
      entry = landEntry(),
      service = null as ReturnType<typeof parcelService> | null,
    ) => violation(submit(REQUEST_ID, entry, service, details(over), consumer, MONDAY, config));
    assert.equal(at({ fields: ['parcelId', 'secret'] }), 'invalid:unknown-field');
    assert.equal(at({}, landEntry({ status: 'withdrawn' })), 'conflict:entry-not-listed');
    assert.equal(at({}, landEntry({ ownerAgency: 'SXD' })), 'invalid:own-entry');
    assert.equal(
      at({ serviceId: 'x' }, landEntry(), parcelService({ entryId: 'another' })),
      'invalid:service-not-of-entry',
    );
    assert.equal(
      at({ period: { from: local('2025-01-01T00:00:00'), until: local('2025-06-01T00:00:00') } }),
      'invalid:period-in-past',
    );
    assert.equal(
      violation(submit(REQUEST_ID, landEntry(), null, details(), provider, MONDAY, config)),
      'forbidden:not-consumer',
    );
  });

  it('lets only the owning agency’s providers decide, and only once', () => {
    const r = submitted();
    assert.equal(violation(approve(r, {}, otherProvider, MONDAY)), 'forbidden:not-owner');
    assert.equal(violation(approve(r, {}, dic, MONDAY)), 'forbidden:not-owner');
    const reviewed = unwrap(startReview(r, provider, MONDAY)).next;
    assert.equal(reviewed.status, 'under-review');
    const approved = unwrap(approve(reviewed, { fields: ['area'] }, provider, MONDAY)).next;
    assert.equal(approved.status, 'approved');
    assert.deepEqual(approved.decision?.outcome === 'approved' && approved.decision.fields, ['area']);
    assert.equal(
      violation(refuse(approved, { reasons: 'x', legalBasis: r.legalBasis }, provider, MONDAY)),
      'conflict:already-decided',
    );
  });

  it('approves no more than was asked', () => {
    assert.equal(
      violation(approve(submitted(), { fields: ['ownerName'] }, provider, MONDAY)),
      'invalid:unknown-field',
    );
  });

  it('refuses a refusal without reasons or legal basis (Decree 194/2025 Điều 16.2)', () => {
    const r = submitted();
    assert.equal(
      violation(refuse(r, { reasons: ' ', legalBasis: r.legalBasis }, provider, MONDAY)),
      'invalid:refusal-needs-reasons',
    );
    assert.equal(
      violation(refuse(r, { reasons: 'không phù hợp', legalBasis: [] }, provider, MONDAY)),
      'invalid:refusal-needs-legal-basis',
    );
    const refused = unwrap(
      refuse(r, { reasons: 'không phù hợp', legalBasis: r.legalBasis }, provider, MONDAY),
    );
    assert.equal(refused.next.status, 'refused');
  });

  it("refuses a data subject's request only with a named article", () => {
    const r = unwrap(
      submit(
        REQUEST_ID,
        landEntry(),
        null,
        details({ dataSubject: { identifier: '079201001234', consentRef: 'CONSENT-1' } }),
        consumer,
        MONDAY,
        config,
      ),
    ).next;
    const noArticle = [{ instrument: 'Luật Đất đai 2024' }];
    assert.equal(
      violation(refuse(r, { reasons: 'lý do', legalBasis: noArticle }, provider, MONDAY)),
      'invalid:refusal-needs-article',
    );
    const ok = unwrap(
      refuse(
        r,
        { reasons: 'lý do', legalBasis: [{ instrument: 'Luật Đất đai 2024', article: '10' }] },
        provider,
        MONDAY,
      ),
    );
    assert.equal(ok.facts[0]?.type, 'vn.openlgsp.sharing.request.refused.v1');
  });

  it('lets the requester withdraw before a decision, no one else', () => {
    const r = submitted();
    assert.equal(violation(withdraw(r, undefined, provider, MONDAY)), 'forbidden:not-requester');
    const w = unwrap(withdraw(r, 'không cần nữa', consumer, MONDAY)).next;
    assert.equal(w.status, 'withdrawn');
    assert.equal(violation(withdraw(w, undefined, consumer, MONDAY)), 'conflict:already-decided');
  });

  it('reminds once at the reminder date and escalates once past the due date', () => {
    const r = submitted();
    assert.equal(violation(remind(r, local('2026-03-12T23:59:00'))), 'conflict:not-yet');
    const reminded = unwrap(remind(r, local('2026-03-13T00:00:00'))).next;
    assert.equal(violation(remind(reminded, local('2026-03-14T00:00:00'))), 'conflict:nothing-to-remind');
    assert.equal(violation(escalate(reminded, local('2026-03-16T23:00:00'))), 'conflict:not-yet');
    assert.equal(isOverdue(reminded, local('2026-03-17T00:00:00')), true);
    const escalated = unwrap(escalate(reminded, local('2026-03-17T00:00:00')));
    assert.equal(escalated.facts[0]?.type, 'vn.openlgsp.sharing.request.escalated.v1');
    assert.equal(
      violation(escalate(escalated.next, local('2026-03-18T00:00:00'))),
      'conflict:nothing-to-escalate',
    );
    // a decided request is never escalated
    const decided = unwrap(approve(r, {}, provider, MONDAY)).next;
    assert.equal(violation(escalate(decided, local('2026-04-01T00:00:00'))), 'conflict:nothing-to-escalate');
  });
});
