import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { checkCsv, checkSummary, isFormulaLike, MAX_REPORTED, previewCsv } from './csv-check.js';
import type { TableSchema } from './table-schema.js';

const csv = (...chunks: (string | Buffer)[]) =>
  Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
const found = (r: { problems: { line: number; column: number | null; code: string }[] }) =>
  r.problems.map((p) => `${p.line}:${p.column ?? '-'} ${p.code}`);

const schools: TableSchema = {
  fields: [
    { name: 'ma', type: 'integer', constraints: { required: true } },
    { name: 'ten', type: 'string', constraints: { required: true } },
    { name: 'cap', constraints: { enum: ['TH', 'THCS', 'THPT'] } },
    { name: 'hoc_sinh', type: 'number' },
    { name: 'cong_lap', type: 'boolean' },
    { name: 'thanh_lap', type: 'date' },
    { name: 'cap_nhat', type: 'datetime' },
    { name: 'dien_thoai', constraints: { pattern: '0[0-9]{9}' } },
  ],
};
const HEADER = 'ma,ten,cap,hoc_sinh,cong_lap,thanh_lap,cap_nhat,dien_thoai\n';

describe('CSV check', () => {
  it('accepts a UTF-8 file whose rows match its table schema', async () => {
    const result = await checkCsv(
      csv(
        '\uFEFF',
        HEADER,
        '1,Trường Tiểu học Lê Lợi,TH,412,true,1990-09-05,2026-03-02T09:00:00+07:00,0260386200\n',
        '2,"Trường THCS Nguyễn Huệ, Kon Tum",THCS,-0.5e3,0,2001-02-28,2026-03-02T02:00:00Z,\n',
      ),
      schools,
    );
    assert.deepEqual(result, {
      rows: 2,
      columns: ['ma', 'ten', 'cap', 'hoc_sinh', 'cong_lap', 'thanh_lap', 'cap_nhat', 'dien_thoai'],
      problems: [],
      problemCount: 0,
    });
  });

  it('reports each cell that breaks the schema with its line and column', async () => {
    const result = await checkCsv(
      csv(
        HEADER,
        '1,A,TH,1,true,2020-01-01,2026-03-02T09:00:00Z,0260386200\n',
        'x,,THPT2,many,yes,2021-02-29,2026-03-02,12\n',
        '3,B\n',
      ),
      schools,
    );
    assert.deepEqual(found(result), [
      '3:1 type',
      '3:2 required',
      '3:3 enum',
      '3:4 type',
      '3:5 type',
      '3:6 type',
      '3:7 type',
      '3:8 pattern',
      '4:- column-count',
    ]);
    assert.match(result.problems[0]!.message, /ma: 'x' is not a integer/);
  });

  it('reports a header that does not match the schema', async () => {
    const result = await checkCsv(csv('ma,ten,ten,ghi_chu\n1,A,A,x\n'), {
      fields: [{ name: 'ma' }, { name: 'ten' }, { name: 'cap', constraints: { required: true } }],
    });
    assert.deepEqual(found(result), ['1:3 duplicate-header', '1:4 extra-column', '1:- missing-column']);
  });

  it('refuses a bad table schema before reading a row', async () => {
    const result = await checkCsv(csv('a\n1\n'), {
      fields: [
        { name: 'a', type: 'money' as 'string' },
        { name: 'a', constraints: { pattern: '(' } },
      ],
    });
    assert.deepEqual(
      result.problems.map((p) => p.message),
      [
        "the table schema at /fields/0/type: 'money' is not one of string, integer, number, boolean, date, datetime",
        'the table schema at /fields/1/name: the field a is declared twice',
        "the table schema at /fields/1/constraints/pattern: '(' is not a regular expression",
      ],
    );
  });

  it('reports cells a spreadsheet would run as formulas, but not plain numbers', async () => {
    const result = await checkCsv(csv('a,b,c\n"=cmd|""/C calc""!A0",-5,+84\n@SUM(1),\tx,-x\n'));
    assert.deepEqual(found(result), [
      '2:1 csv-injection',
      '3:1 csv-injection',
      '3:2 csv-injection',
      '3:3 csv-injection',
    ]);
    assert.equal(isFormulaLike('+84'), false);
    assert.equal(isFormulaLike('\r=1'), true);
    assert.equal(isFormulaLike('Hà Nội'), false);
  });

  it('finds invalid UTF-8 with its byte and line, even when a character is split across chunks', async () => {
    const ok = Buffer.from('ten\nĐà Lạt\n', 'utf8');
    const split = await checkCsv(csv(ok.subarray(0, 5), ok.subarray(5)));
    assert.deepEqual(split.problems, []);
    const latin1 = await checkCsv(csv('ten\nHà Nội\n', Buffer.from([0x44, 0xe0, 0x20, 0x0a])));
    assert.deepEqual(found(latin1), ['3:- invalid-utf8']);
    assert.match(latin1.problems[0]!.message, /not UTF-8 at byte 16 \(line 3\)/);
    const truncated = await checkCsv(csv('ten\n', Buffer.from([0xe1, 0xbb])));
    assert.match(truncated.problems[0]!.message, /ends inside a character/);
    const overlong = await checkCsv(csv('ten\n', Buffer.from([0xc0, 0xaf, 0x0a])));
    assert.equal(overlong.problems[0]?.code, 'invalid-utf8');
  });

  it('reports the first 100 problems and counts them all, reading the file as a stream', async () => {
    async function* rows() {
      yield Buffer.from('ma\n');
      for (let i = 0; i < 20_000; i++) yield Buffer.from(i % 100 === 0 ? 'x\n' : `${i}\n`);
    }
    const result = await checkCsv(Readable.from(rows()), { fields: [{ name: 'ma', type: 'integer' }] });
    assert.equal(result.rows, 20_000);
    assert.equal(result.problems.length, MAX_REPORTED);
    assert.equal(result.problemCount, 200);
    const at = new Date('2026-03-02T02:00:00Z');
    assert.deepEqual(checkSummary(result, at), { checkedAt: at, rows: 20_000, problems: 200 });
  });

  it('reports a malformed file and an empty one', async () => {
    assert.deepEqual(found(await checkCsv(csv('a,b\n1,"open\n'))), ['2:- malformed']);
    assert.deepEqual(found(await checkCsv(csv(''))), ['1:- empty']);
  });

  it('previews the header and the first rows as plain strings, never evaluated', async () => {
    const preview = await previewCsv(csv('a,b\n=1+1,x\n2,y\n3,z\n'), 2);
    assert.deepEqual(preview, {
      columns: ['a', 'b'],
      rows: [
        ['=1+1', 'x'],
        ['2', 'y'],
      ],
    });
  });
});
