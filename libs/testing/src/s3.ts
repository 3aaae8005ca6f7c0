import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type EngineProcess } from './process.js';

/** An S3-compatible server of a test suite (lgsp-s3: gofakes3 on files), and how to reach it. */
export interface S3Server {
  /** http://127.0.0.1:PORT — path-style addressing (`<endpoint>/<bucket>/<key>`). */
  readonly endpoint: string;
  /** A bucket created at start. */
  readonly bucket: string;
  readonly region: string;
  /** The server checks no signature: any credentials pass; these are what tests hand to clients. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly engine: EngineProcess;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Ready means: the server answers ListBuckets with a success. */
async function probeS3(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`ListBuckets answered ${response.status}`);
}

/**
 * Starts lgsp-s3 (built by deploy/local/engines/build.sh) on a free port of 127.0.0.1, with its
 * objects in a temporary folder and `bucket` created.
 */
export async function startS3(opts: { bucket?: string } = {}): Promise<S3Server> {
  const bucket = opts.bucket ?? 'lgsp-test';
  const command = requireBinary('lgsp-s3');
  const tempDir = makeTempDir('s3');
  const dataDir = join(tempDir, 'data');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const engine = await startOrDispose(
    new ChildEngine({
      engine: 'gofakes3',
      command,
      args: [
        '-listen-addr',
        `127.0.0.1:${port}`,
        '-data-dir',
        dataDir,
        '-bucket',
        bucket,
        '-shutdown-grace',
        '250ms',
      ],
      url: endpoint,
      dir: dataDir,
      tempDir,
      probe: () => probeS3(endpoint),
    }),
    tempDir,
  );
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'lgsp-test',
    secretAccessKey: 'lgsp-test-secret',
    engine,
    stop: () => engine.dispose(),
  };
}
