import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import { unwrap } from '@openlgsp/domain';
import {
  context,
  DATASET_ID,
  dic,
  editor,
  local,
  MONDAY,
  owner,
  ownerSystem,
  schoolsContent,
  schoolsEntry,
  schoolService,
  stranger,
  violation,
} from '../common/fixtures.js';
import type { DatasetState } from './dataset.model.js';
import {
  createDraft,
  edit,
  publicationProblems,
  publish,
  retract,
  retractForWithdrawnEntry,
  returnToAgency,
  submit,
} from './dataset.rules.js';

const draft = () => unwrap(createDraft(DATASET_ID, schoolsEntry(), schoolsContent(), owner, MONDAY)).next;
const submitted = () => unwrap(submit(draft(), schoolsEntry(), context(), owner, MONDAY)).next;
const published = () => unwrap(publish(submitted(), schoolsEntry(), context(), editor, MONDAY)).next;

describe('dataset rules', () => {
  it("is drafted by the owner's provider or integrator, for a listed entry marked open", () => {
    const d = draft();
    assert.equal(d.status, 'draft');
    assert.equal(d.latestVersion, 0);
    assert.equal(
      violation(createDraft(DATASET_ID, schoolsEntry(), schoolsContent(), ownerSystem, MONDAY)),
      'ok',
    );
    assert.equal(
      violation(createDraft(DATASET_ID, schoolsEntry(), schoolsContent(), stranger, MONDAY)),
      'forbidden:not-owner',
    );
    assert.equal(
      violation(createDraft(DATASET_ID, schoolsEntry(), schoolsContent(), editor, MONDAY)),
      'forbidden:not-owner',
    );
    assert.equal(
      violation(createDraft(DATASET_ID, schoolsEntry({ open: false }), schoolsContent(), owner, MONDAY)),
      'conflict:entry-not-open',
    );
    assert.equal(
      violation(
        createDraft(DATASET_ID, schoolsEntry({ status: 'withdrawn' }), schoolsContent(), owner, MONDAY),
      ),
      'conflict:entry-withdrawn',
    );
  });

  it('stores text in Unicode NFC whatever form it was typed in', () => {
    const content = schoolsContent();
    content.metadata.title = { vi: 'Đất đai'.normalize('NFD'), en: 'Land' };
    const d = unwrap(createDraft(DATASET_ID, schoolsEntry(), content, owner, MONDAY)).next;
    assert.equal(d.draft.metadata.title?.vi, 'Đất đai'.normalize('NFC'));
  });

  it('refuses a submission that fails the check, naming every problem and where it is', () => {
    const content = schoolsContent();
    delete content.metadata.title!.en;
    content.metadata.themes = ['EDUCATION'];
    const d = unwrap(createDraft(DATASET_ID, schoolsEntry(), content, owner, MONDAY)).next;
    const result = submit(d, schoolsEntry(), context(), owner, MONDAY);
    assert.equal(violation(result), 'invalid:not-publishable');
    assert.ok(!result.ok);
    assert.match(result.violation.message, /\/metadata\/title\/en: the title in English is required/);
    assert.match(result.violation.message, /\/metadata\/themes\/0: 'EDUCATION' is not an EU data theme/);
    assert.equal(result.violation.path, '/metadata/title/en');
    assert.equal(result.violation.source, '004 Điều 8.1');
  });

  it('refuses a CSV that was not checked or has problems, and a retired or foreign service', () => {
    const content = schoolsContent();
    const file = content.distributions[0]!;
    if (file.kind === 'file') file.check = { checkedAt: MONDAY, rows: 3, problems: 2 };
    const d = { ...draft(), draft: content };
    const codes = publicationProblems(
      d,
      context({ service: () => schoolService({ status: 'retired', providerAgency: 'SYT' }) }),
      MONDAY,
    ).problems.map((p) => `${p.path} ${p.code}`);
    assert.deepEqual(codes, [
      '/distributions/0/check check-failed',
      '/distributions/1/serviceId not-owner',
      '/distributions/1/serviceId service-retired',
    ]);
  });

  it('goes through editorial review: only an editor publishes or returns, a return states its reasons', () => {
    const s = submitted();
    assert.equal(s.status, 'submitted');
    assert.equal(violation(publish(s, schoolsEntry(), context(), owner, MONDAY)), 'forbidden:not-editor');
    assert.equal(violation(publish(s, schoolsEntry(), context(), dic, MONDAY)), 'forbidden:not-editor');
    assert.equal(violation(returnToAgency(s, ['  '], editor, MONDAY)), 'invalid:reasons-required');
    assert.equal(
      violation(returnToAgency(s, ['x'.repeat(4001)], editor, MONDAY)),
      'invalid:reasons-too-long',
    );
    const returned = unwrap(returnToAgency(s, ['Thiếu mô tả cột dữ liệu'], editor, MONDAY)).next;
    assert.equal(returned.status, 'returned');
    assert.deepEqual(returned.returned?.reasons, ['Thiếu mô tả cột dữ liệu']);
    assert.equal(
      violation(publish(returned, schoolsEntry(), context(), editor, MONDAY)),
      'conflict:not-submitted',
    );
    assert.equal(violation(edit(s, schoolsContent(), owner, MONDAY)), 'conflict:under-review');
    assert.equal(violation(submit(returned, schoolsEntry(), context(), owner, MONDAY)), 'ok');
  });

  it('publishes version 1 as a complete dataset.published event that conforms to its contract', () => {
    const change = unwrap(publish(submitted(), schoolsEntry(), context(), editor, MONDAY));
    assert.equal(change.next.status, 'published');
    assert.equal(change.next.latestVersion, 1);
    assert.equal(change.version?.version, 1);
    assert.equal(change.version?.publishedBy, 'dic-editor');
    assert.equal(change.next.nextUpdateDue, '2027-03-02');
    const [fact] = change.facts;
    assert.equal(fact?.type, 'vn.openlgsp.opendata.dataset.published.v1');
    assert.deepEqual(validateEventData(fact!.type, fact!.data), { ok: true });
    const data = fact!.data as {
      metadata: { license: string; publisher: { name: string } };
      distributions: { accessURL: string }[];
    };
    assert.equal(data.metadata.license, 'CC-BY-4.0');
    assert.equal(data.metadata.publisher.name, 'Sở Giáo dục và Đào tạo');
    assert.equal(data.distributions[1]?.accessURL, schoolService().endpoint);
    assert.ok(!JSON.stringify(fact!.data).includes('objectKey'), 'object-store keys stay private');
  });

  it('refuses to publish when the entry stopped being open while under review', () => {
    assert.equal(
      violation(publish(submitted(), schoolsEntry({ open: false }), context(), editor, MONDAY)),
      'conflict:entry-not-open',
    );
  });

  it('publishes a reviewed change as the next version, saying what changed; the public copy stays until then', () => {
    const p = published();
    const content = schoolsContent();
    content.metadata.description = { vi: 'Bổ sung số giáo viên.', en: 'Adds teacher counts.' };
    const edited = unwrap(edit(p, content, owner, MONDAY)).next;
    assert.equal(edited.status, 'draft');
    assert.equal(edited.current?.version, 1, 'version 1 stays public while the change is drafted');
    const later = local('2026-04-01T10:00:00');
    const again = unwrap(submit(edited, schoolsEntry(), context(), owner, later)).next;
    const change = unwrap(publish(again, schoolsEntry(), context(), editor, later));
    assert.equal(change.next.latestVersion, 2);
    assert.equal(change.next.firstPublishedAt?.getTime(), MONDAY.getTime());
    const [fact] = change.facts;
    assert.equal(fact?.type, 'vn.openlgsp.opendata.dataset.updated.v1');
    assert.deepEqual((fact!.data as { changes: string[] }).changes, ['/metadata/description']);
    assert.deepEqual(validateEventData(fact!.type, fact!.data), { ok: true });
  });

  it('refuses to submit a change that changes nothing', () => {
    const edited = unwrap(edit(published(), schoolsContent(), owner, MONDAY)).next;
    const result = submit(edited, schoolsEntry(), context(), owner, MONDAY);
    assert.equal(violation(result), 'invalid:not-publishable');
    assert.ok(!result.ok && /nothing changed since version 1/.test(result.violation.message));
  });

  it('is retracted by its owner or DIC with a reason, and stays visible as retracted', () => {
    const p = published();
    assert.equal(violation(retract(p, 'x', stranger, MONDAY)), 'forbidden:not-owner');
    assert.equal(violation(retract(p, ' ', owner, MONDAY)), 'invalid:reason-required');
    assert.equal(violation(retract(p, 'x'.repeat(4001), owner, MONDAY)), 'invalid:reason-too-long');
    assert.equal(violation(retract(draft(), 'x', owner, MONDAY)), 'conflict:never-published');
    const byDic = unwrap(retract(p, 'Dữ liệu sai', dic, MONDAY));
    assert.equal(byDic.next.status, 'retracted');
    assert.equal(byDic.next.current?.version, 1, 'the retracted dataset keeps its versions');
    assert.equal(byDic.facts[0]?.type, 'vn.openlgsp.opendata.dataset.retracted.v1');
    assert.equal((byDic.facts[0]!.data as { cause: string }).cause, 'dic');
    assert.deepEqual(validateEventData(byDic.facts[0]!.type, byDic.facts[0]!.data), { ok: true });
    assert.equal(violation(retract(byDic.next, 'x', owner, MONDAY)), 'conflict:retracted');
    assert.equal(violation(edit(byDic.next, schoolsContent(), owner, MONDAY)), 'conflict:retracted');
  });

  it('is retracted with its cause when the catalogue withdraws the entry, once', () => {
    const change = retractForWithdrawnEntry(published(), 'Thay bằng CSDL quốc gia', MONDAY);
    assert.equal(change.next.retraction?.cause, 'entry-withdrawn');
    const data = change.facts[0]!.data as { cause: string; reason: string };
    assert.equal(data.cause, 'entry-withdrawn');
    assert.match(data.reason, /Thay bằng CSDL quốc gia/);
    assert.deepEqual(retractForWithdrawnEntry(change.next, 'again', MONDAY).facts, []);
    const quiet = retractForWithdrawnEntry(draft(), 'x', MONDAY);
    assert.equal(quiet.next.status, 'retracted');
    assert.deepEqual(quiet.facts, [], 'a draft never published leaves no trace on the public feed');
  });

  it('keeps drafts, submissions and returns off the public change feed', () => {
    const s: DatasetState = submitted();
    assert.deepEqual(unwrap(returnToAgency(s, ['x'], editor, MONDAY)).facts, []);
    assert.deepEqual(unwrap(submit(draft(), schoolsEntry(), context(), owner, MONDAY)).facts, []);
  });
});
