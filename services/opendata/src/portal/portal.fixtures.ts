// Fixtures for the portal's specs and browser tests: a published version as the rules make it.
import { unwrap } from '@openlgsp/domain';
import {
  context,
  DATASET_ID,
  editor,
  MONDAY,
  owner,
  schoolsContent,
  schoolsEntry,
} from '../common/fixtures.js';
import type { DatasetVersion } from '../datasets/dataset.model.js';
import { createDraft, publish, submit } from '../datasets/dataset.rules.js';
import type { PublicFeedback } from '../feedback/feedback.model.js';
import type { DatasetSummary, PortalDataset } from './portal.read-model.js';

/** Text a hostile publisher or sender might write; the portal must show it as text. */
export const HOSTILE = {
  script: '<script>alert("xss")</script>',
  markup: '<img src=x onerror=alert(1)>',
  closeJsonLd: '</script><script>alert(2)</script>',
  formula: "=cmd|' /C calc'!A0",
} as const;

export function schoolsVersion(datasetId = DATASET_ID): DatasetVersion {
  const d = unwrap(createDraft(datasetId, schoolsEntry(), schoolsContent(), owner, MONDAY)).next;
  const s = unwrap(submit(d, schoolsEntry(), context(), owner, MONDAY)).next;
  return unwrap(publish(s, schoolsEntry(), context(), editor, MONDAY)).version!;
}

export function schoolsPortalDataset(over: Partial<PortalDataset> = {}): PortalDataset {
  const version = schoolsVersion();
  const file = version.distributions.find((d) => d.kind === 'file')!;
  return {
    dataset: { version, issued: MONDAY, retracted: false },
    nextUpdateDue: '2027-03-02',
    previews: {
      [file.distributionId]: {
        columns: ['ten_truong', 'cap_hoc', 'so_hoc_sinh'],
        rows: [
          ['Trường THPT Kon Tum', 'THPT', '1204'],
          ['Trường THCS Lê Lợi', 'THCS', '856'],
        ],
      },
    },
    ...over,
  };
}

export function summaryOf(data: PortalDataset): DatasetSummary {
  const v = data.dataset.version;
  return {
    datasetId: v.datasetId,
    title: v.metadata.title,
    description: v.metadata.description,
    publisher: { code: v.metadata.publisher.agency, name: v.metadata.publisher.name },
    themes: v.metadata.themes,
    formats: [...new Set(v.distributions.flatMap((d) => (d.format ? [d.format] : [])))],
    modified: v.publishedAt.toISOString(),
    retracted: data.dataset.retracted,
  };
}

export function answeredFeedback(over: Partial<PublicFeedback> = {}): PublicFeedback {
  return {
    feedbackId: '0197a1b2-7c4d-7e8f-9a01-0000000000f1',
    target: { kind: 'dataset', id: DATASET_ID },
    ownerAgency: 'SGDDT',
    text: 'Xin bổ sung số điện thoại của từng trường.',
    status: 'answered',
    answer: { text: 'Sở sẽ bổ sung trong phiên bản tới.', at: '2026-03-09T02:00:00.000Z' },
    receivedAt: '2026-03-03T02:00:00.000Z',
    ...over,
  };
}
