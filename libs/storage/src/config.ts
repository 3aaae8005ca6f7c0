import { FolderObjectStore } from './folder-store.js';
import { DEFAULT_MAX_BYTES, type ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

export const DEFAULT_STORAGE_DIR = '.lgsp/storage';

export type StorageConfig =
  | { kind: 'folder'; dir: string; maxBytes: number }
  | {
      kind: 's3';
      bucket: string;
      prefix?: string;
      endpoint?: string;
      region: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
      forcePathStyle: boolean;
      maxBytes: number;
    };

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

function wholeNumber(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a whole number of bytes ≥ 1, got ${JSON.stringify(raw)}`);
  return parsed;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Where uploaded files go, from the environment (checked; a wrong setting stops the start):
 *   S3_BUCKET set → S3 (with S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID + S3_SECRET_ACCESS_KEY,
 *   S3_PREFIX, S3_FORCE_PATH_STYLE); otherwise the folder STORAGE_DIR (default .lgsp/storage).
 *   STORAGE_MAX_BYTES bounds an upload (default 200 MiB).
 */
export function storageConfigFromEnv(env: Env = process.env): StorageConfig {
  const maxBytes = wholeNumber(env, 'STORAGE_MAX_BYTES', DEFAULT_MAX_BYTES);
  const bucket = value(env, 'S3_BUCKET');
  const endpoint = value(env, 'S3_ENDPOINT');
  if (!bucket) {
    if (endpoint) throw new Error('S3_ENDPOINT is set but S3_BUCKET is not: name the bucket');
    return { kind: 'folder', dir: value(env, 'STORAGE_DIR') ?? DEFAULT_STORAGE_DIR, maxBytes };
  }
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new Error(`S3_ENDPOINT must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  const accessKeyId = value(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'S3_SECRET_ACCESS_KEY');
  if (!accessKeyId !== !secretAccessKey)
    throw new Error('set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the SDK default chain)');
  return {
    kind: 's3',
    bucket,
    prefix: value(env, 'S3_PREFIX'),
    endpoint,
    region: value(env, 'S3_REGION') ?? 'us-east-1',
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: flag(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    maxBytes,
  };
}

export function objectStoreFromConfig(config: StorageConfig): FolderObjectStore | S3ObjectStore {
  if (config.kind === 'folder') return new FolderObjectStore(config.dir, config.maxBytes);
  return new S3ObjectStore(config);
}

/** The object store the environment configures (see storageConfigFromEnv). */
export function objectStoreFromEnv(env: Env = process.env): ObjectStore {
  return objectStoreFromConfig(storageConfigFromEnv(env));
}
