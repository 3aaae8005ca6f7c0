import type { KeyObject } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CLOCK, EventFactory, PeriodicTask, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import { AUDIT_CONFIG, type AuditConfig } from '../config.js';
import { TrailStore } from '../trail/trail.store.js';
import {
  CHECKPOINT_SIGNED,
  signCheckpoint,
  trustedKeys,
  type Checkpoint,
  type TrustedKeys,
} from './checkpoint.rules.js';
import { checkpointId } from './checkpoint.schema.js';
import { CheckpointsRepository, checkpointOf } from './checkpoints.repository.js';
import { loadPublicKeys, loadSigningKey, type SigningKey } from './signing-key.js';

export { CHECKPOINT_SIGNED };

/** Signs the chain head at an interval and on demand, and announces each checkpoint as an event. */
@Injectable()
export class CheckpointsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private key!: SigningKey;
  private previousKeys: KeyObject[] = [];
  private readonly logger = createLogger('audit');
  private readonly task: PeriodicTask<Checkpoint | undefined>;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly trail: TrailStore,
    private readonly checkpoints: CheckpointsRepository,
    private readonly events: EventFactory,
  ) {
    this.task = new PeriodicTask(
      'interval checkpoint',
      config.checkpointIntervalMs,
      () => this.signHead(),
      this.logger,
    );
  }

  async onModuleInit(): Promise<void> {
    this.key = await loadSigningKey(this.config.signingKey);
    if (this.config.previousPublicKeysFile)
      this.previousKeys = await loadPublicKeys(this.config.previousPublicKeysFile);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  publicKey() {
    return { keyId: this.key.keyId, algorithm: 'Ed25519' as const, publicKeyPem: this.key.publicKeyPem };
  }

  trustedKeys(): TrustedKeys {
    return trustedKeys(this.key.publicKey, ...this.previousKeys);
  }

  /** Signs the current head; nothing new is signed when the head is already checkpointed. */
  async signHead(): Promise<Checkpoint | undefined> {
    const head = await this.trail.currentHead();
    if (head.seq === 0) return undefined;
    return this.sign(head);
  }

  /** Signs entry `seq`, whose hash the caller read (the archive signs the last entry it takes away). */
  signEntry(entry: { seq: number; hash: string }): Promise<Checkpoint> {
    return this.sign(entry);
  }

  async all(): Promise<Checkpoint[]> {
    return this.checkpoints.all();
  }

  /** The last checkpoint signed, if any. */
  latest(): Promise<Checkpoint | undefined> {
    return this.checkpoints.latest();
  }

  private async sign(head: { seq: number; hash: string }): Promise<Checkpoint> {
    const existing = await this.checkpoints.find(checkpointId(head.seq));
    if (existing) return checkpointOf(existing);
    const cp = signCheckpoint(head, this.clock(), this.key.privateKey);
    const event = this.events.create({ type: CHECKPOINT_SIGNED, data: cp }, String(cp.seq));
    try {
      await this.checkpoints.insert({ _id: checkpointId(cp.seq), ...cp }, [event]);
    } catch (err) {
      // Another instance signed the same entry at the same time: one checkpoint is enough.
      if (!(err instanceof DuplicateError)) throw err;
      return checkpointOf(await this.checkpoints.get(checkpointId(cp.seq)));
    }
    return cp;
  }
}
