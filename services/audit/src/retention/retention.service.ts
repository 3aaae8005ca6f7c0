import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, PeriodicTask, type Clock } from '@openlgsp/events';
import { createLogger } from '@openlgsp/telemetry';
import { AUDIT_CONFIG, type AuditConfig } from '../config.js';
import { CheckpointsService } from '../checkpoints/checkpoints.service.js';
import { GENESIS_HASH, type TrailEntry } from '../trail/entry.model.js';
import { TrailStore } from '../trail/trail.store.js';
import { archiveLines, type ArchiveHeader } from './archive.format.js';
import { ArchivesStore, type ArchiveManifest } from './archives.store.js';
import { archivableRun, retentionCutoff } from './retention.rules.js';

export interface ArchiveOutcome {
  archived: number;
  manifest?: ArchiveManifest;
  cutoff: string;
}

const MAX_PER_ARCHIVE = 100_000;
const LEASE_MS = 10 * 60 * 1000;

/**
 * Moves entries older than the retention period into NDJSON archive files, with the checkpoints that
 * cover them, then removes them from the store. In that order (file, manifest, removal), so a crash
 * at any point loses nothing: the next run finishes an interrupted removal.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('audit');
  private readonly holder = randomUUID();
  private readonly task: PeriodicTask<ArchiveOutcome>;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly trail: TrailStore,
    private readonly archives: ArchivesStore,
    private readonly checkpoints: CheckpointsService,
  ) {
    this.task = new PeriodicTask('archiving', config.archiveIntervalMs, () => this.archive(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async archive(now: Date = this.clock()): Promise<ArchiveOutcome> {
    const cutoff = retentionCutoff(now, this.config.retentionDays);
    if (!(await this.archives.lease(this.holder, now, LEASE_MS)))
      return { archived: 0, cutoff: cutoff.toISOString() };
    try {
      const last = await this.archives.last();
      // Finish a removal a crash interrupted.
      if (last) await this.trail.entries.deleteMany({ _id: { $lte: last.toSeq } });
      const firstStoredSeq = last ? last.toSeq + 1 : 1;
      const candidates = await this.trail.entries
        .find({ recordedAt: { $lt: cutoff.toISOString() } }, { projection: { seq: 1, recordedAt: 1 } })
        .toArray();
      const run = archivableRun(candidates, firstStoredSeq, cutoff, MAX_PER_ARCHIVE);
      if (!run) return { archived: 0, cutoff: cutoff.toISOString() };

      const entries: TrailEntry[] = [];
      for await (const e of this.trail.range(run.fromSeq, run.toSeq)) entries.push(e);
      const final = entries[entries.length - 1];
      if (final?.seq !== run.toSeq)
        throw new Error(`entries ${run.fromSeq}..${run.toSeq} are not all in the store`);
      const checkpoint = await this.checkpoints.signEntry(final);
      const covering = (await this.checkpoints.all()).filter(
        (cp) => cp.seq >= run.fromSeq && cp.seq <= run.toSeq,
      );
      const header: ArchiveHeader = {
        kind: 'archive',
        format: 1,
        fromSeq: run.fromSeq,
        toSeq: run.toSeq,
        prevHash: last?.lastHash ?? GENESIS_HASH,
        lastHash: checkpoint.hash,
        entries: entries.length,
        createdAt: now.toISOString(),
        publicKeyPem: this.checkpoints.publicKey().publicKeyPem,
      };
      const file = `audit-${String(run.fromSeq).padStart(12, '0')}-${String(run.toSeq).padStart(12, '0')}.ndjson`;
      const sha256 = await this.writeFile(file, archiveLines(header, entries, covering));
      const manifest: ArchiveManifest = {
        fromSeq: run.fromSeq,
        toSeq: run.toSeq,
        prevHash: header.prevHash,
        lastHash: header.lastHash,
        file,
        sha256,
        entries: entries.length,
        createdAt: header.createdAt,
      };
      await this.archives.add(manifest);
      await this.trail.entries.deleteMany({ _id: { $gte: run.fromSeq, $lte: run.toSeq } });
      this.logger.info({ fromSeq: run.fromSeq, toSeq: run.toSeq, file }, 'entries archived');
      return { archived: entries.length, manifest, cutoff: cutoff.toISOString() };
    } finally {
      await this.archives.release(this.holder).catch(() => undefined);
    }
  }

  /** Reads an archive file back (for tests and the CLI's neighbours). */
  async read(file: string): Promise<string> {
    return readFile(join(this.config.archiveDir, file), 'utf8');
  }

  private async writeFile(name: string, lines: Iterable<string>): Promise<string> {
    await mkdir(this.config.archiveDir, { recursive: true });
    const path = join(this.config.archiveDir, name);
    const partial = `${path}.partial`;
    const hash = createHash('sha256');
    const out = createWriteStream(partial, { mode: 0o640 });
    for (const line of lines) {
      hash.update(line);
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    await rename(partial, path);
    return hash.digest('hex');
  }
}
