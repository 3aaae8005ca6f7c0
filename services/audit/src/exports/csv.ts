import type { TrailEntry } from '../trail/entry.model.js';

/** The CSV export's columns: the entry's facts and chain links (the raw message is in the NDJSON export). */
export const CSV_COLUMNS = [
  'seq',
  'recordedAt',
  'stream',
  'streamSeq',
  'natsSubject',
  'wellFormed',
  'eventId',
  'source',
  'type',
  'subject',
  'agency',
  'actor',
  'eventTime',
  'traceId',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof TrailEntry)[];

/**
 * RFC 4180 quoting, and a leading ' before =, +, -, @, tab or CR so that a spreadsheet never runs a
 * value as a formula (agency systems choose subjects and sources).
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(entry: TrailEntry): string {
  return `${CSV_COLUMNS.map((c) => csvField(entry[c])).join(',')}\r\n`;
}
