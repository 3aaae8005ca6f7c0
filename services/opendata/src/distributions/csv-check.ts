import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import type { FileCheckSummary } from '../datasets/dataset.model.js';
import {
  castsTo,
  checkTableSchema,
  compilePattern,
  isPlainNumber,
  type TableField,
  type TableSchema,
} from './table-schema.js';

/**
 * The content check of an uploaded CSV before publication (004 Điều 8.1), streamed: the file is read
 * once, chunk by chunk, never held whole in memory. It reports where each problem is (line, column),
 * the first 100 of them, and how many there were in all.
 */
export interface CsvProblem {
  /** The physical line (1 = the header); for invalid UTF-8, the line the bad byte is on. */
  line: number;
  /** 1-based column; null when the problem is about a whole row or the file. */
  column: number | null;
  code: string;
  message: string;
}

export interface CsvCheckResult {
  /** Data rows read (the header not counted). */
  rows: number;
  columns: string[];
  /** The first `MAX_REPORTED` problems, in file order. */
  problems: CsvProblem[];
  /** All problems found, reported or not. */
  problemCount: number;
}

export const MAX_REPORTED = 100;
const MAX_COLUMN = Number.MAX_SAFE_INTEGER;
/** A single record above this size is refused rather than buffered (an unclosed quote, a hostile file). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Spreadsheets evaluate a cell that starts with = + - @ (or a tab or carriage return before them) as a
 * formula ("CSV injection", OWASP); a plain number such as -5 or +84 is data, not a formula.
 */
export function isFormulaLike(cell: string): boolean {
  if (!/^[=+\-@\t\r]/.test(cell)) return false;
  return !isPlainNumber(cell);
}

/** Passes bytes through while they are valid UTF-8; at the first invalid byte, records where and stops. */
export class Utf8Guard extends Transform {
  failure: { offset: number; line: number; reason: string } | null = null;
  private offset = 0;
  private line = 1;
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.failure) return done();
    let charStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.need === 0) {
        charStart = i;
        if (b < 0x80) {
          if (b === 0x0a) this.line++;
          continue;
        }
        if (b >= 0xc2 && b <= 0xdf) this.need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          this.lo = b === 0xe0 ? 0xa0 : 0x80; // no overlong forms
          this.hi = b === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          this.lo = b === 0xf0 ? 0x90 : 0x80;
          this.hi = b === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
        } else
          return this.stop(chunk, charStart, i, `byte 0x${b.toString(16)} cannot start a character`, done);
      } else {
        if (b < this.lo || b > this.hi)
          return this.stop(
            chunk,
            charStart,
            i,
            `byte 0x${b.toString(16)} breaks a multi-byte character`,
            done,
          );
        this.lo = 0x80;
        this.hi = 0xbf;
        this.need--;
      }
    }
    this.offset += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (!this.failure && this.need > 0)
      this.failure = { offset: this.offset, line: this.line, reason: 'the file ends inside a character' };
    done();
  }

  private stop(chunk: Buffer, charStart: number, at: number, reason: string, done: TransformCallback): void {
    this.failure = { offset: this.offset + at, line: this.line, reason };
    // What came before the broken character is still checked; nothing after it is.
    done(null, charStart > 0 ? chunk.subarray(0, charStart) : undefined);
  }
}

/** Reads a CSV stream and checks it, against a Table Schema when one is declared. */
export async function checkCsv(source: Readable, schema?: TableSchema): Promise<CsvCheckResult> {
  const problems: CsvProblem[] = [];
  let problemCount = 0;
  const report = (line: number, column: number | null, code: string, message: string) => {
    problemCount++;
    if (problems.length < MAX_REPORTED) problems.push({ line, column, code, message });
  };

  if (schema) {
    const invalid = checkTableSchema(schema);
    if (invalid.length) {
      for (const p of invalid) report(0, null, 'table-schema', `the table schema at ${p.path}: ${p.message}`);
      source.destroy();
      return { rows: 0, columns: [], problems, problemCount };
    }
  }
  const missing = new Set(schema?.missingValues ?? ['']);
  const patterns = new Map(
    (schema?.fields ?? []).map((f) => [f.name, compilePattern(f.constraints?.pattern ?? '.*')]),
  );

  const guard = new Utf8Guard();
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const records = pipeline(source, guard, parser, () => {
    // Errors surface through the iteration below.
  });

  let columns: string[] = [];
  let bound: (TableField | undefined)[] = [];
  let rows = 0;
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = info.lines;
      if (columns.length === 0) {
        columns = record.map((c) => c.trim());
        bound = checkHeader(columns, schema, line, report);
        continue;
      }
      rows++;
      if (record.length !== columns.length)
        report(
          line,
          null,
          'column-count',
          `row has ${record.length} cells; the header has ${columns.length}`,
        );
      record.forEach((cell, i) => {
        const column = i + 1;
        const name = columns[i] ?? `#${column}`;
        if (isFormulaLike(cell))
          report(
            line,
            column,
            'csv-injection',
            `${name}: '${preview(cell)}' would run as a spreadsheet formula`,
          );
        const field = bound[i];
        if (!field) return;
        if (missing.has(cell)) {
          if (field.constraints?.required) report(line, column, 'required', `${name} is required`);
          return;
        }
        const type = field.type ?? 'string';
        if (!castsTo(type, cell))
          return report(line, column, 'type', `${name}: '${preview(cell)}' is not a ${type}`);
        const allowed = field.constraints?.enum;
        if (allowed && !allowed.includes(cell))
          report(line, column, 'enum', `${name}: '${preview(cell)}' is not one of ${allowed.join(', ')}`);
        if (!patterns.get(field.name)!.test(cell))
          report(
            line,
            column,
            'pattern',
            `${name}: '${preview(cell)}' does not match ${field.constraints!.pattern}`,
          );
      });
      if (record.length < columns.length)
        bound.slice(record.length).forEach((field, j) => {
          if (field?.constraints?.required)
            report(line, record.length + j + 1, 'required', `${field.name} is required`);
        });
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    report(line, null, 'malformed', `the CSV cannot be read further: ${error.message}`);
  }
  if (guard.failure) {
    // The reason the check stopped is always among the problems reported.
    if (problems.length === MAX_REPORTED) problems.pop();
    report(
      guard.failure.line,
      null,
      'invalid-utf8',
      `not UTF-8 at byte ${guard.failure.offset} (line ${guard.failure.line}): ${guard.failure.reason}; save the file as UTF-8`,
    );
  } else if (columns.length === 0 && problemCount === 0)
    report(1, null, 'empty', 'the file has no header row');
  // A row's own problems (no column) come after its cells'.
  problems.sort((a, b) => a.line - b.line || (a.column ?? MAX_COLUMN) - (b.column ?? MAX_COLUMN));
  return { rows, columns, problems, problemCount };
}

function checkHeader(
  columns: string[],
  schema: TableSchema | undefined,
  line: number,
  report: (line: number, column: number | null, code: string, message: string) => void,
): (TableField | undefined)[] {
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (!name) report(line, i + 1, 'blank-header', `column ${i + 1} has no name`);
    else if (seen.has(name)) report(line, i + 1, 'duplicate-header', `the column ${name} appears twice`);
    seen.add(name);
  });
  if (!schema) return [];
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  columns.forEach((name, i) => {
    if (name && !byName.has(name))
      report(line, i + 1, 'extra-column', `the column ${name} is not in the table schema`);
  });
  for (const field of schema.fields)
    if (!seen.has(field.name))
      report(line, null, 'missing-column', `the table schema's field ${field.name} has no column`);
  return columns.map((name) => byName.get(name));
}

/** Cells are quoted back shortened, so one huge cell cannot swell the report. */
function preview(cell: string): string {
  return cell.length > 40 ? `${cell.slice(0, 40)}…` : cell;
}

/** What the file distribution keeps of a check: publication needs a check with no problems (004 Điều 8.1). */
export function checkSummary(result: CsvCheckResult, checkedAt: Date): FileCheckSummary {
  return { checkedAt, rows: result.rows, problems: result.problemCount };
}

export interface CsvPreview {
  columns: string[];
  /** Plain strings, exactly as in the file: a preview never evaluates or converts a cell. */
  rows: string[][];
}

/** The header and the first `limit` rows, reading no further than needed. */
export async function previewCsv(source: Readable, limit = 20): Promise<CsvPreview> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const records = pipeline(source, new Utf8Guard(), parser, () => {});
  let columns: string[] = [];
  const rows: string[][] = [];
  try {
    for await (const record of records as AsyncIterable<string[]>) {
      if (!columns.length) columns = record;
      else rows.push(record);
      if (rows.length >= limit) break;
    }
  } finally {
    source.destroy();
  }
  return { columns, rows };
}
