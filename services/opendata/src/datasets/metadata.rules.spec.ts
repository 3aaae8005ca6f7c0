import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, schoolsContent } from '../common/fixtures.js';
import { DEFAULT_LICENCES } from '../vocabularies/licences.js';
import type { DraftMetadata } from './dataset.model.js';
import { checkMetadata, normaliseText } from './metadata.rules.js';

const metadata = () => schoolsContent().metadata;
const problems = (draft: DraftMetadata, ctx = context()) => {
  const result = checkMetadata(draft, ctx);
  return result.ok ? [] : result.problems.map((p) => `${p.path} ${p.code}`);
};

describe('metadata rules', () => {
  it('accepts complete metadata, with the publisher from the owning agency, access public and CC BY 4.0 by default', () => {
    const result = checkMetadata(metadata(), context());
    assert.ok(result.ok);
    assert.equal(result.metadata.license, 'CC-BY-4.0');
    assert.equal(result.metadata.accessRights, 'public');
    assert.deepEqual(result.metadata.publisher, {
      agency: 'SGDDT',
      name: 'Sở Giáo dục và Đào tạo',
      nationalId: '000.00.12.H41',
    });
  });

  it('names every missing mandatory property by its JSON pointer', () => {
    assert.deepEqual(problems({}), [
      '/title/vi required',
      '/title/en required',
      '/description/vi required',
      '/description/en required',
      '/keywords/vi required',
      '/themes required',
      '/contactPoint/name required',
      '/contactPoint/email required',
      '/spatial/province required',
      '/accrualPeriodicity required',
      '/legalBasis required',
    ]);
  });

  it('keeps Russian optional (003 Điều 11) but checks it when given', () => {
    assert.deepEqual(problems({ ...metadata(), title: { vi: 'Trường', en: 'Schools', ru: ' ' } }), []);
    assert.deepEqual(
      problems({ ...metadata(), title: { vi: 'Trường', en: 'Schools', ru: 'x'.repeat(301) } }),
      ['/title/ru too-long'],
    );
  });

  it('refuses text that is not NFC or carries control characters', () => {
    assert.deepEqual(
      problems({ ...metadata(), description: { vi: 'Đất đai'.normalize('NFD'), en: 'Land\u0007' } }),
      ['/description/vi not-nfc', '/description/en control-character'],
    );
    assert.equal(normaliseText({ a: ['Đất'.normalize('NFD')] }).a[0], 'Đất'.normalize('NFC'));
  });

  it('knows the EU vocabularies and the configured open licences', () => {
    assert.deepEqual(
      problems({
        ...metadata(),
        themes: ['EDUC', 'XXX'],
        accrualPeriodicity: 'SOMETIMES',
        license: 'proprietary',
      }),
      ['/themes/1 unknown-theme', '/accrualPeriodicity unknown-frequency', '/license not-open-licence'],
    );
    const narrow = context({
      licences: DEFAULT_LICENCES.filter((l) => l.id === 'CC0-1.0'),
      defaultLicence: 'CC0-1.0',
    });
    assert.deepEqual(problems({ ...metadata(), license: 'CC-BY-4.0' }, narrow), [
      '/license not-open-licence',
    ]);
    assert.deepEqual(problems(metadata(), narrow), []);
  });

  it('checks the spatial hierarchy, codes, dates and the contact email', () => {
    assert.deepEqual(
      problems({
        ...metadata(),
        spatial: { province: { code: '62', name: 'Kon Tum' }, commune: { code: '123', name: 'Xã A' } },
        temporal: { start: '2026-01-01', end: '2025-12-31' },
        contactPoint: { name: 'Văn phòng', email: 'not-an-email' },
      }),
      [
        '/contactPoint/email email',
        '/spatial/district required',
        '/spatial/commune/code pattern',
        '/temporal/end before-start',
      ],
    );
    assert.deepEqual(problems({ ...metadata(), temporal: { start: '2026-13-45' } }), [
      '/temporal/start date',
    ]);
  });
});
