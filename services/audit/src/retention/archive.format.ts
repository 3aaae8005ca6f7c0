import { createReadStream } from 'node:fs';
import type { Checkpoint, TrustedKeys } from '../checkpoints/checkpoint.rules.js';
import { GENESIS_HASH, type TrailEntry } from '../trail/entry.model.js';
import { ChainVerifier, type VerificationReport } from '../verification/chain.rules.js';

/**
 * An archive file is NDJSON: a header line, the entries in sequence order, then the checkpoints that
 * cover them (one at least at the last entry), so that it verifies on its own with the public key.
 */
export interface ArchiveHeader {
  kind: 'archive';
  format: 1;
  fromSeq: number;
  toSeq: number;
  /** The hash the first entry links to: the previous archive's lastHash, or the genesis hash. */
  prevHash: string;
  lastHash: string;
  entries: number;
  createdAt: string;
  /** The signing key's public key, for convenience; a verifier should hold its own copy. */
  publicKeyPem: string;
}

export function* archiveLines(
  header: ArchiveHeader,
  entries: Iterable<TrailEntry>,
  checkpoints: Checkpoint[],
): Generator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const e of entries) yield `${JSON.stringify({ kind: 'entry', ...e })}\n`;
  for (const cp of checkpoints) yield `${JSON.stringify({ kind: 'checkpoint', ...cp })}\n`;
}

export interface ParsedArchive {
  header: ArchiveHeader;
  entries: TrailEntry[];
  checkpoints: Checkpoint[];
}

export class ArchiveFormatError extends Error {}

export function parseArchive(text: string): ParsedArchive {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as { kind?: string };
    } catch {
      throw new ArchiveFormatError(`line ${i + 1} is not JSON`);
    }
  });
  const [header, ...rest] = parsed;
  if (header?.kind !== 'archive' || (header as ArchiveHeader).format !== 1)
    throw new ArchiveFormatError('the first line is not an archive header of format 1');
  const entries: TrailEntry[] = [];
  const checkpoints: Checkpoint[] = [];
  for (const [i, item] of rest.entries()) {
    const { kind, ...body } = item as Record<string, unknown>;
    if (kind === 'entry') entries.push(body as unknown as TrailEntry);
    else if (kind === 'checkpoint') checkpoints.push(body as unknown as Checkpoint);
    else throw new ArchiveFormatError(`line ${i + 2} is neither an entry nor a checkpoint`);
  }
  return { header: header as ArchiveHeader, entries, checkpoints };
}

/**
 * Verifies an archive alone: its chain, its checkpoints, its declared ends; `after` (the previous
 * archive's last hash) also checks the link between two archives; `kept` adds checkpoints the
 * verifier kept itself (those outside the archive's entries do not count).
 */
export function verifyArchive(
  archive: ParsedArchive,
  keys: TrustedKeys,
  after?: { lastSeq: number; lastHash: string },
  kept: Checkpoint[] = [],
): VerificationReport {
  const verifier = archiveVerifier(archive.header, [...archive.checkpoints, ...kept], keys, after);
  for (const e of archive.entries) if (!verifier.push(e)) break;
  return finishArchive(verifier, archive.header, archive.checkpoints);
}

function archiveVerifier(
  header: ArchiveHeader,
  checkpoints: Checkpoint[],
  keys: TrustedKeys,
  after?: { lastSeq: number; lastHash: string },
): ChainVerifier {
  return new ChainVerifier({
    firstSeq: after ? after.lastSeq + 1 : header.fromSeq,
    firstPrevHash: after ? after.lastHash : header.fromSeq === 1 ? GENESIS_HASH : header.prevHash,
    lastSeq: header.toSeq,
    lastHash: header.lastHash,
    checkpoints,
    trustedKeys: keys,
    range: { fromSeq: header.fromSeq, toSeq: header.toSeq },
    envelopeField: 'kind',
  });
}

function finishArchive(
  verifier: ChainVerifier,
  header: ArchiveHeader,
  own: Checkpoint[],
): VerificationReport {
  const report = verifier.finish();
  if (report.ok && own.every((cp) => cp.seq !== header.toSeq))
    return {
      ...report,
      ok: false,
      firstBreak: {
        seq: header.toSeq,
        code: 'truncated',
        reason: `no checkpoint signs the archive's last entry ${header.toSeq}`,
      },
    };
  return report;
}

const ENTRY_LINE = Buffer.from('{"kind":"entry",');

/** The lines of a file, streamed as buffers, a chunk's worth at a time (no line is decoded unless asked for). */
async function* linesOf(file: string): AsyncGenerator<Buffer[]> {
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const lines: Buffer[] = [];
    let start = 0;
    let nl = chunk.indexOf(10);
    if (rest) {
      // Only the line cut at the chunk's edge is copied, never the whole chunk.
      if (nl === -1) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const joined = Buffer.concat([rest, chunk.subarray(0, nl)]);
      if (joined.length > 0) lines.push(joined);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
      rest = undefined;
    }
    for (; nl !== -1; nl = chunk.indexOf(10, start)) {
      if (nl > start) lines.push(chunk.subarray(start, nl));
      start = nl + 1;
    }
    rest = start < chunk.length ? chunk.subarray(start) : undefined;
    yield lines;
  }
  if (rest && rest.length > 0) yield [rest];
}

const isEntryLine = (line: Buffer) =>
  line.length > ENTRY_LINE.length &&
  line.compare(ENTRY_LINE, 0, ENTRY_LINE.length, 0, ENTRY_LINE.length) === 0;

function parseLine(line: Buffer, n: number): Record<string, unknown> {
  try {
    return JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ArchiveFormatError(`line ${n} is not JSON`);
  }
}

/**
 * Verifies an archive file as verifyArchive does, streaming: a first pass reads the header and the
 * checkpoints (entry lines are only recognised, not parsed), a second one checks the entries, so an
 * archive of any size needs little memory. `keys` may depend on the header (the key it carries).
 */
export async function verifyArchiveFile(
  file: string,
  keys: TrustedKeys | ((header: ArchiveHeader) => TrustedKeys),
  after?: { lastSeq: number; lastHash: string },
  kept: Checkpoint[] = [],
): Promise<{ header: ArchiveHeader; report: VerificationReport }> {
  let header: ArchiveHeader | undefined;
  const own: Checkpoint[] = [];
  let n = 0;
  for await (const lines of linesOf(file))
    for (const line of lines) {
      n++;
      if (n > 1 && isEntryLine(line)) continue;
      const item = parseLine(line, n);
      if (n === 1) {
        if (item.kind !== 'archive' || item.format !== 1)
          throw new ArchiveFormatError('the first line is not an archive header of format 1');
        header = item as unknown as ArchiveHeader;
        continue;
      }
      const { kind, ...body } = item;
      if (kind === 'checkpoint') own.push(body as unknown as Checkpoint);
      else if (kind !== 'entry')
        throw new ArchiveFormatError(`line ${n} is neither an entry nor a checkpoint`);
    }
  if (!header) throw new ArchiveFormatError('the file is empty');
  const verifier = archiveVerifier(
    header,
    [...own, ...kept],
    typeof keys === 'function' ? keys(header) : keys,
    after,
  );
  n = 0;
  verifying: for await (const lines of linesOf(file))
    for (const line of lines) {
      if (++n === 1) continue;
      const fast = isEntryLine(line);
      const item = parseLine(line, n);
      if (!fast && item.kind !== 'entry') continue;
      if (!verifier.push(item as unknown as TrailEntry)) break verifying;
    }
  return { header, report: finishArchive(verifier, header, own) };
}
