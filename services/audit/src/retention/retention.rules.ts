import { MIN_RETENTION_DAYS } from '../config.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Entries recorded before this instant may leave the store (never younger than 30 days). */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - Math.max(retentionDays, MIN_RETENTION_DAYS) * DAY_MS);
}

/**
 * The entries to archive: the unbroken run from the store's first entry whose recording is older than
 * the cutoff. It stops at the first younger entry, so the store always keeps a contiguous tail of the
 * chain (clocks of two instances may disagree by a little; an older entry after a younger one waits).
 */
export function archivableRun(
  candidates: { seq: number; recordedAt: string }[],
  firstStoredSeq: number,
  cutoff: Date,
  max: number,
): { fromSeq: number; toSeq: number } | undefined {
  const limit = cutoff.toISOString();
  let expected = firstStoredSeq;
  for (const c of [...candidates].sort((a, b) => a.seq - b.seq)) {
    if (c.seq !== expected || c.recordedAt >= limit || expected - firstStoredSeq >= max) break;
    expected++;
  }
  return expected > firstStoredSeq ? { fromSeq: firstStoredSeq, toSeq: expected - 1 } : undefined;
}
