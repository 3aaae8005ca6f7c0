import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { FILE_FORMAT_CODES, formatByFileName, formatByMediaType } from './formats.js';
import { FREQUENCY_CODES } from './frequencies.js';
import { DEFAULT_LICENCE_ID, DEFAULT_LICENCES, licenceList } from './licences.js';
import { THEME_CODES, THEMES } from './themes.js';

const published = async () =>
  JSON.parse(
    await readFile(
      new URL('../../../../../contracts/events/opendata/dataset.published.v1.json', import.meta.url),
      'utf8',
    ),
  ) as { $defs: Record<string, { enum: string[] }> };

describe('vocabularies', () => {
  it('are exactly the codes the event contract allows', async () => {
    const defs = (await published()).$defs;
    assert.deepEqual([...THEME_CODES].sort(), [...defs.dataThemeCode!.enum].sort());
    assert.deepEqual([...FREQUENCY_CODES].sort(), [...defs.frequencyCode!.enum].sort());
    assert.deepEqual([...FILE_FORMAT_CODES].sort(), [...defs.fileTypeCode!.enum].sort());
  });

  it('label the 13 EU data themes in Vietnamese and English', () => {
    assert.equal(THEMES.length, 13);
    for (const t of THEMES)
      assert.ok(t.label.vi && t.label.en && t.iri.endsWith(`/data-theme/${t.code}`), t.code);
  });

  it('know the formats a distribution is uploaded in, by media type and file name', () => {
    for (const [name, code] of [
      ['truong-hoc.csv', 'CSV'],
      ['ranh-gioi.geojson', 'GEOJSON'],
      ['BaoCao.XLSX', 'XLSX'],
      ['quyet-dinh.pdf', 'PDF'],
      ['du-lieu.json', 'JSON'],
    ])
      assert.equal(formatByFileName(name)?.code, code, name);
    assert.equal(formatByMediaType('text/csv; charset=utf-8')?.code, 'CSV');
    assert.equal(formatByFileName('virus.exe'), undefined);
  });

  it('default to CC BY 4.0 among open licences, and refuse a list without its default', () => {
    assert.equal(DEFAULT_LICENCE_ID, 'CC-BY-4.0');
    assert.equal(licenceList(DEFAULT_LICENCES, 'CC0-1.0'), DEFAULT_LICENCES);
    assert.throws(
      () => licenceList(DEFAULT_LICENCES.slice(1), 'CC-BY-4.0'),
      /default licence CC-BY-4.0 is not in the list/,
    );
    assert.throws(() => licenceList([...DEFAULT_LICENCES, DEFAULT_LICENCES[0]!], 'CC-BY-4.0'), /unique/);
  });
});
