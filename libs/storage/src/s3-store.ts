import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { RangeNotSatisfiableError } from './errors.js';
import { checkContentType, checkKey, DEFAULT_CONTENT_TYPE } from './keys.js';
import {
  checkMaxBytes,
  DEFAULT_MAX_BYTES,
  meterSource,
  type FetchedObject,
  type GetOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';
import { rangeHeader } from './range.js';

/** The smallest part S3 accepts (but the last); memory held by an upload is about partSize × (queueSize + 1). */
const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Prepended to every key, e.g. `opendata/`, so several services can share a bucket. */
  prefix?: string;
  maxBytes?: number;
  /** A ready client; otherwise one is made from the fields below. */
  client?: S3Client;
  /** Of an S3-compatible server (MinIO, SeaweedFS, Ceph…); AWS's own when absent. */
  endpoint?: string;
  region?: string;
  /** Static credentials; otherwise the SDK's default chain (environment, web identity on k8s…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`; default: with an endpoint. */
  forcePathStyle?: boolean;
  /** Bytes per multipart part (≥ 5 MiB); default 5 MiB. */
  partSize?: number;
  /** Parts uploaded at once; default 1 (an upload then holds about two parts, ~12 MiB, measured). */
  queueSize?: number;
}

interface S3Failure {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

const statusOf = (error: unknown): number | undefined => (error as S3Failure)?.$metadata?.httpStatusCode;
// A missing bucket is a configuration fault, not an absent object: it is thrown, not answered 404.
const isMissingObject = (error: unknown): boolean =>
  (error as S3Failure)?.name !== 'NoSuchBucket' && statusOf(error) === 404;

/** `bytes 0-9/100` → 100 (undefined for `*`). */
function totalOf(contentRange: string | undefined): number | undefined {
  const match = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Objects in an S3 bucket (shared by every replica): multipart streaming uploads, ranged reads. */
export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly maxBytes: number;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly ownsClient: boolean;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${checkKey(options.prefix.replace(/\/+$/, ''))}/` : '';
    this.maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.partSize = Math.max(MIN_PART_SIZE, options.partSize ?? MIN_PART_SIZE);
    this.queueSize = Math.max(1, options.queueSize ?? 1);
    this.ownsClient = !options.client;
    this.client = options.client ?? new S3Client(clientConfig(options));
  }

  async put(
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    checkKey(key);
    const contentType = checkContentType(options.contentType);
    const meter = meterSource(source, checkMaxBytes(options.maxBytes ?? this.maxBytes));
    let failure: Error | undefined;
    meter.once('error', (error) => (failure = error));
    // On a failure of the body (TooLargeError), the upload stops reading, aborts the multipart
    // upload (leavePartsOnError: false) and only then rejects: nothing is left in the bucket.
    // A single-part upload is sent only once its body ended, so it never starts.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.prefix + key, Body: meter, ContentType: contentType },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // The server failed: stop taking from the source (unpiped, left to its owner).
      meter.destroy();
      throw failure ?? error;
    }
    if (failure) throw failure;
    return { key, bytes: meter.bytes, sha256: meter.sha256(), contentType };
  }

  async get(key: string, options: GetOptions = {}): Promise<FetchedObject | undefined> {
    checkKey(key);
    let out;
    try {
      out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Range: options.range ? rangeHeader(options.range) : undefined,
        }),
      );
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      if (statusOf(error) === 416) throw new RangeNotSatisfiableError((await this.head(key))?.bytes);
      throw error;
    }
    const stream = out.Body as Readable;
    const length = out.ContentLength ?? 0;
    // A server may ignore the Range header (200, whole object): then there is no range.
    const total = totalOf(out.ContentRange);
    const first = /^bytes (\d+)-/.exec(out.ContentRange ?? '')?.[1];
    const range =
      options.range && first !== undefined
        ? { start: Number(first), end: Number(first) + length - 1 }
        : undefined;
    return {
      key,
      bytes: total ?? length,
      contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
      etag: out.ETag ?? '',
      lastModified: out.LastModified ?? new Date(0),
      stream,
      range,
      length,
    };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    checkKey(key);
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return {
        key,
        bytes: out.ContentLength ?? 0,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  /** Closes the client's connections (when the store made the client). */
  close(): void {
    if (this.ownsClient) this.client.destroy();
  }
}

function clientConfig(options: S3ObjectStoreOptions): S3ClientConfig {
  return {
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials,
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    // S3-compatible servers do not all accept the SDK's default trailing CRC checksums
    // (aws-chunked bodies); our own SHA-256 is computed while streaming anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}
