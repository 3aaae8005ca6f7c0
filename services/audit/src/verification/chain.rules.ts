import { GENESIS_HASH, type TrailEntry } from '../trail/entry.model.js';
import { entryHash, unhashedFields } from '../trail/trail.rules.js';
import {
  checkpointSignatureValid,
  type Checkpoint,
  type TrustedKeys,
} from '../checkpoints/checkpoint.rules.js';

export type BreakCode =
  | 'hash-mismatch'
  | 'unhashed-fields'
  | 'broken-link'
  | 'missing-entries'
  | 'out-of-order'
  | 'forged-checkpoint'
  | 'checkpoint-mismatch'
  | 'truncated';

/** The first place the trail is not what was recorded, and why. */
export interface ChainBreak {
  seq: number;
  code: BreakCode;
  reason: string;
}

export interface VerificationReport {
  ok: boolean;
  /** The first and last sequence numbers checked (null when there was nothing to check). */
  fromSeq: number | null;
  toSeq: number | null;
  entriesChecked: number;
  checkpointsChecked: number;
  firstBreak?: ChainBreak;
}

export interface ChainExpectations {
  /** The sequence number the first entry must have, and the hash it must link to (unknown: not checked). */
  firstSeq?: number;
  firstPrevHash?: string;
  /** The last entry there must be (the head as recorded, or the end of a range or an archive). */
  lastSeq?: number;
  /** The hash the last entry must have (an archive's manifest records it). */
  lastHash?: string;
  /** Checkpoints to hold the trail to; those outside the checked range only count for truncation. */
  checkpoints: Checkpoint[];
  trustedKeys: TrustedKeys;
  /** Checking a range: checkpoints beyond it are not a truncation. */
  range?: { fromSeq: number; toSeq: number };
  /** A field of the container the entries come in (an archive line's `kind`), not of the entry. */
  envelopeField?: string;
}

/**
 * Checks entries pushed in sequence order: each recomputes to its hash (an edit shows), links to the
 * previous one's hash (an insertion, deletion or reordering shows), sequence numbers follow each
 * other, every checkpoint is signed by a trusted key and matches its entry, and nothing signed lies
 * beyond the last entry (a truncated tail), and no entry carries a field its hash does not cover (one
 * added in the store would be served as if recorded). Streaming, so a million entries need no memory.
 */
export class ChainVerifier {
  private previous?: { seq: number; hash: string };
  private first?: number;
  private entries = 0;
  private readonly breaks: ChainBreak[] = [];
  private readonly bySeq = new Map<number, Checkpoint[]>();
  private stopped = false;

  constructor(private readonly expect: ChainExpectations) {
    for (const cp of expect.checkpoints) {
      if (expect.range && (cp.seq < expect.range.fromSeq || cp.seq > expect.range.toSeq)) continue;
      if (!checkpointSignatureValid(cp, expect.trustedKeys)) {
        this.breaks.push({
          seq: cp.seq,
          code: 'forged-checkpoint',
          reason: `checkpoint ${cp.seq} signed at ${cp.signedAt} does not carry a valid signature of a trusted key (${cp.keyId})`,
        });
        continue;
      }
      this.bySeq.set(cp.seq, [...(this.bySeq.get(cp.seq) ?? []), cp]);
    }
  }

  /** Feeds the next entry; false once a break was found (the rest need not be read). */
  push(entry: TrailEntry): boolean {
    if (this.stopped) return false;
    const fail = (code: BreakCode, reason: string, seq = entry.seq) => {
      this.breaks.push({ seq, code, reason });
      this.stopped = true;
      return false;
    };
    const prev = this.previous;
    if (!prev) {
      this.first = entry.seq;
      if (this.expect.firstSeq !== undefined && entry.seq !== this.expect.firstSeq)
        return entry.seq > this.expect.firstSeq
          ? fail(
              'missing-entries',
              `entries ${this.expect.firstSeq}..${entry.seq - 1} are missing`,
              this.expect.firstSeq,
            )
          : fail('out-of-order', `expected entry ${this.expect.firstSeq} first, found ${entry.seq}`);
    } else if (entry.seq !== prev.seq + 1) {
      return entry.seq > prev.seq + 1
        ? fail('missing-entries', `entries ${prev.seq + 1}..${entry.seq - 1} are missing`, prev.seq + 1)
        : fail('out-of-order', `entry ${entry.seq} follows entry ${prev.seq}`);
    }
    const extra = unhashedFields(entry, this.expect.envelopeField);
    if (extra.length > 0)
      return fail(
        'unhashed-fields',
        `entry ${entry.seq} carries fields its hash does not cover (added after recording): ${extra.slice(0, 10).join(', ')}`,
      );
    const recomputed = entryHash(entry);
    if (recomputed !== entry.hash)
      return fail(
        'hash-mismatch',
        `entry ${entry.seq} was changed: its content hashes to ${recomputed}, not ${entry.hash}`,
      );
    const expectedPrev = prev ? prev.hash : this.expect.firstPrevHash;
    if (expectedPrev !== undefined && entry.prevHash !== expectedPrev)
      return fail(
        'broken-link',
        `entry ${entry.seq} links to ${entry.prevHash}, but the entry before it hashes to ${expectedPrev}`,
      );
    for (const cp of this.bySeq.get(entry.seq) ?? [])
      if (cp.hash !== entry.hash)
        return fail(
          'checkpoint-mismatch',
          `checkpoint ${cp.seq} signed at ${cp.signedAt} says hash ${cp.hash}, but the entry hashes to ${entry.hash}`,
        );
    this.previous = { seq: entry.seq, hash: entry.hash };
    this.entries++;
    return true;
  }

  finish(): VerificationReport {
    if (!this.stopped) this.checkTail();
    const firstBreak = [...this.breaks].sort((a, b) => a.seq - b.seq)[0];
    return {
      ok: !firstBreak,
      fromSeq: this.first ?? null,
      toSeq: this.previous?.seq ?? null,
      entriesChecked: this.entries,
      checkpointsChecked: [...this.bySeq.values()].reduce((n, cps) => n + cps.length, 0),
      ...(firstBreak ? { firstBreak } : {}),
    };
  }

  private checkTail(): void {
    const last = this.previous?.seq ?? (this.expect.firstSeq ?? 1) - 1;
    const signedBeyond = Math.max(0, ...[...this.bySeq.keys()].filter((seq) => seq > last));
    const mustReach = Math.max(this.expect.lastSeq ?? 0, signedBeyond);
    if (mustReach > last)
      this.breaks.push({
        seq: last + 1,
        code: 'truncated',
        reason: `the trail ends at entry ${last}, but ${
          signedBeyond > last ? `checkpoint ${signedBeyond} was signed` : `entry ${mustReach} was recorded`
        }: entries ${last + 1}..${mustReach} are missing`,
      });
    else if (
      this.expect.lastHash !== undefined &&
      this.previous &&
      this.previous.hash !== this.expect.lastHash
    )
      this.breaks.push({
        seq: last,
        code: 'hash-mismatch',
        reason: `the last entry ${last} hashes to ${this.previous.hash}, not ${this.expect.lastHash} as recorded`,
      });
  }
}

export { GENESIS_HASH };
