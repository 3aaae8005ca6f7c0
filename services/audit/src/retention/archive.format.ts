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
 * archive's last hash) also checks the link between two archives.
 */
export function verifyArchive(
  archive: ParsedArchive,
  keys: TrustedKeys,
  after?: { lastSeq: number; lastHash: string },
): VerificationReport {
  const { header } = archive;
  const verifier = new ChainVerifier({
    firstSeq: after ? after.lastSeq + 1 : header.fromSeq,
    firstPrevHash: after ? after.lastHash : header.fromSeq === 1 ? GENESIS_HASH : header.prevHash,
    lastSeq: header.toSeq,
    lastHash: header.lastHash,
    checkpoints: archive.checkpoints,
    trustedKeys: keys,
  });
  for (const e of archive.entries) if (!verifier.push(e)) break;
  const report = verifier.finish();
  if (report.ok && archive.checkpoints.every((cp) => cp.seq !== header.toSeq))
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
