import { join, resolve } from 'node:path';

/** The audit service's settings, read once at start; a bad value stops the start with a clear message. */
export interface AuditConfig {
  /** Entries are kept in the store at least this long (002 Điều 4.4: never below 30 days). */
  retentionDays: number;
  /** Where archived entries go as NDJSON files. */
  archiveDir: string;
  /** How often entries older than the retention are archived; 0 turns the timer off. */
  archiveIntervalMs: number;
  /** How often the chain head is signed; 0 turns the timer off. */
  checkpointIntervalMs: number;
  /** Whether this instance records the streams (AUDIT_RECORDER=off: a read-only replica of the API). */
  recorder: boolean;
  /** How long a delivered message stays the recorder's unacknowledged before JetStream redelivers it. */
  recorderAckWaitMs: number;
  /** The longest period one export may cover. */
  maxExportDays: number;
  signingKey: { pem?: string; file?: string; devDir: string; production: boolean };
  /** PEM public keys of earlier signing keys (AUDIT_PREVIOUS_PUBLIC_KEYS_FILE): their checkpoints still verify after a rotation. */
  previousPublicKeysFile?: string;
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
export const MIN_RETENTION_DAYS = 30;

export class AuditConfigError extends Error {}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new AuditConfigError(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return value;
}

export function auditConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const data = env.LGSP_DATA ?? resolve('.lgsp');
  const retentionDays = whole(env, 'AUDIT_RETENTION_DAYS', 365, 1);
  if (retentionDays < MIN_RETENTION_DAYS)
    throw new AuditConfigError(
      `AUDIT_RETENTION_DAYS is ${retentionDays}, but logs are kept at least ${MIN_RETENTION_DAYS} days (TT 12/2022 Điều 4.4)`,
    );
  return {
    retentionDays,
    archiveDir: env.AUDIT_ARCHIVE_DIR ?? join(data, 'audit-archive'),
    archiveIntervalMs: whole(env, 'AUDIT_ARCHIVE_INTERVAL_MS', 6 * 60 * 60 * 1000, 0),
    checkpointIntervalMs: whole(env, 'AUDIT_CHECKPOINT_INTERVAL_MS', 5 * 60 * 1000, 0),
    recorder: env.AUDIT_RECORDER !== 'off',
    recorderAckWaitMs: whole(env, 'AUDIT_ACK_WAIT_MS', 30_000, 1_000),
    maxExportDays: whole(env, 'AUDIT_EXPORT_MAX_DAYS', 366, 1),
    signingKey: {
      ...(env.AUDIT_SIGNING_KEY ? { pem: env.AUDIT_SIGNING_KEY } : {}),
      ...(env.AUDIT_SIGNING_KEY_FILE ? { file: env.AUDIT_SIGNING_KEY_FILE } : {}),
      devDir: env.LGSP_DATA ? join(env.LGSP_DATA, 'keys') : resolve('.lgsp', 'keys'),
      production: env.NODE_ENV === 'production',
    },
    ...(env.AUDIT_PREVIOUS_PUBLIC_KEYS_FILE
      ? { previousPublicKeysFile: env.AUDIT_PREVIOUS_PUBLIC_KEYS_FILE }
      : {}),
  };
}
