import { Inject, Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { RuleViolationError } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { CheckpointsService } from '../checkpoints/checkpoints.service.js';
import type { Checkpoint, TrustedKeys } from '../checkpoints/checkpoint.rules.js';
import { ArchivesStore, type ArchiveManifest } from '../retention/archives.store.js';
import { GENESIS_HASH, type ChainHead } from '../trail/entry.model.js';
import { TrailStore } from '../trail/trail.store.js';
import { ChainVerifier, type VerificationReport } from './chain.rules.js';

export interface StoreVerification extends VerificationReport {
  /** The head as recorded (the trail must reach it). */
  head: ChainHead;
  /** Entries before this one were archived (verify them with the archive files). */
  storeStartsAt: number;
}

/** The last verification of the whole stored trail, kept for operators (the console shows it). */
export interface LastVerification {
  at: string;
  ok: boolean;
  headSeq: number;
  entriesChecked: number;
  checkpointsChecked: number;
  firstBreak?: StoreVerification['firstBreak'];
}

/** Verifies the stored trail, whole or a range, against the stored checkpoints and the last archive cut. */
@Injectable()
export class VerificationService {
  private readonly runs: mongo.Collection<LastVerification & { _id: string }>;

  constructor(
    private readonly trail: TrailStore,
    private readonly checkpoints: CheckpointsService,
    private readonly archives: ArchivesStore,
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.runs = connection.db!.collection('verifications');
  }

  async verify(range: { fromSeq?: number; toSeq?: number } = {}): Promise<StoreVerification> {
    const [checkpoints, cut] = await Promise.all([this.checkpoints.all(), this.archives.last()]);
    const report = await verifyStoredTrail(
      this.trail,
      { checkpoints, keys: this.checkpoints.trustedKeys(), cut },
      range,
    );
    if (range.fromSeq === undefined && range.toSeq === undefined) await this.remember(report);
    return report;
  }

  /** The last whole-trail verification, if one ran. */
  async last(): Promise<LastVerification | undefined> {
    const doc = await this.runs.findOne({ _id: 'last' });
    if (!doc) return undefined;
    const { _id, ...run } = doc;
    return run;
  }

  private async remember(report: StoreVerification): Promise<void> {
    const run: LastVerification = {
      at: this.clock().toISOString(),
      ok: report.ok,
      headSeq: report.head.seq,
      entriesChecked: report.entriesChecked,
      checkpointsChecked: report.checkpointsChecked,
      ...(report.firstBreak ? { firstBreak: report.firstBreak } : {}),
    };
    await this.runs.replaceOne({ _id: 'last' }, run, { upsert: true });
  }
}

/** The verification itself, free of Nest: the service and the command-line tool share it. */
export async function verifyStoredTrail(
  trail: TrailStore,
  { checkpoints, keys, cut }: { checkpoints: Checkpoint[]; keys: TrustedKeys; cut?: ArchiveManifest },
  range: { fromSeq?: number; toSeq?: number } = {},
): Promise<StoreVerification> {
  const [head, recorded] = await Promise.all([trail.currentHead(), trail.recordedHead()]);
  // A tail deleted below the recorded head still leaves the record: the trail must reach it.
  const lastSeq = Math.max(head.seq, recorded?.seq ?? 0);
  const storeStartsAt = cut ? cut.toSeq + 1 : 1;
  const fromSeq = range.fromSeq ?? storeStartsAt;
  const toSeq = Math.min(range.toSeq ?? lastSeq, lastSeq);
  if (fromSeq < storeStartsAt)
    throw new RuleViolationError({
      kind: 'invalid',
      code: 'archived',
      path: '/fromSeq',
      message: `entries before ${storeStartsAt} are archived; verify them with the archive files (npm run audit:verify -- --archive <file>)`,
    });
  const linkTo =
    fromSeq === storeStartsAt ? (cut?.lastHash ?? GENESIS_HASH) : (await trail.get(fromSeq - 1))?.hash;
  const verifier = new ChainVerifier({
    firstSeq: fromSeq,
    ...(linkTo ? { firstPrevHash: linkTo } : {}),
    lastSeq: toSeq,
    checkpoints,
    trustedKeys: keys,
    range: {
      fromSeq: cut ? cut.toSeq : fromSeq,
      toSeq: range.toSeq === undefined ? Number.MAX_SAFE_INTEGER : toSeq,
    },
  });
  if (toSeq >= fromSeq)
    reading: for await (const batch of trail.rangeBatches(fromSeq, toSeq))
      for (const entry of batch) if (!verifier.push(entry)) break reading;
  let report = verifier.finish();
  // The archive cut itself: the checkpoint signed at the cut must agree with the manifest.
  const atCut = cut && checkpoints.find((cp) => cp.seq === cut.toSeq);
  if (report.ok && cut && atCut && atCut.hash !== cut.lastHash && fromSeq === storeStartsAt)
    report = {
      ...report,
      ok: false,
      firstBreak: {
        seq: cut.toSeq,
        code: 'checkpoint-mismatch',
        reason: `the archive manifest says entry ${cut.toSeq} hashed to ${cut.lastHash}, but checkpoint ${cut.toSeq} signed ${atCut.hash}`,
      },
    };
  return { ...report, head: { seq: lastSeq, hash: head.hash }, storeStartsAt };
}
