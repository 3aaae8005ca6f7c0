import type { EngineProcess, StartedEngine } from './process.js';
import { dropDatabase, startMongo, uniqueDatabaseName, withDatabase } from './mongo.js';
import { logToSuiteFile } from './logs.js';
import { startNats, type NatsCredentials, type StartedNats } from './nats.js';

/** The engines of one test suite, on free ports in temporary directories. */
export interface Engines {
  /** nats://127.0.0.1:PORT */
  readonly natsUrl: string;
  /** mongodb://127.0.0.1:PORT/<database unique to this suite> */
  readonly mongoUrl: string;
  readonly nats: EngineProcess;
  readonly mongo: EngineProcess;
  /**
   * The credentials of a NATS user of the generated configuration (deploy/nats/accounts.mjs): a
   * service by name, `agency-<code>`, `public`. A connection without credentials is the test-only
   * fixtures user, with every right in the platform's account.
   */
  natsCredentials(user: string): NatsCredentials;
  /** Creates PUBLIC's OPENDATA, the mirror external apps read with the `public` user. */
  ensurePublicFeed(): Promise<void>;
  /** Stops every engine and removes its directory (drops the database on a MONGO_URL server). */
  stop(): Promise<void>;
}

class SuiteEngines implements Engines {
  private readonly database = uniqueDatabaseName();
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly natsEngine: StartedNats | undefined,
    private readonly mongoEngine: StartedEngine | undefined,
  ) {}

  get natsUrl(): string {
    return required(this.natsEngine, 'nats').url;
  }
  get mongoUrl(): string {
    return withDatabase(required(this.mongoEngine, 'mongo').url, this.database);
  }
  get nats(): EngineProcess {
    return required(this.natsEngine, 'nats');
  }
  get mongo(): EngineProcess {
    return required(this.mongoEngine, 'mongo');
  }
  natsCredentials(user: string): NatsCredentials {
    return required(this.natsEngine, 'nats').credentials(user);
  }
  ensurePublicFeed(): Promise<void> {
    return required(this.natsEngine, 'nats').ensurePublicFeed();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const results = await Promise.allSettled([
        this.natsEngine?.dispose(),
        this.mongoEngine?.engine === 'external' ? dropDatabase(this.mongoUrl) : this.mongoEngine?.dispose(),
      ]);
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length) throw new AggregateError(errors, 'stopping the engines failed');
    })();
    return this.stopped;
  }
}

function required<E extends StartedEngine>(engine: E | undefined, name: string): E {
  if (!engine) throw new Error(`${name} was not started: startEngines() was called with { ${name}: false }`);
  return engine;
}

/**
 * Starts NATS (JetStream) and a MongoDB-compatible server for a test suite, in parallel.
 * Call stop() when done (e.g. in `after`); engines left running are killed when the process exits.
 * From here on, services' logs go to the suite's log file (`logToSuiteFile`), not the runner's output.
 */
export async function startEngines(
  opts: { nats?: boolean; mongo?: boolean; natsAgencies?: string[]; natsApps?: string[] } = {},
): Promise<Engines> {
  logToSuiteFile();
  const [nats, mongo] = await Promise.allSettled([
    opts.nats === false
      ? undefined
      : startNats(undefined, { agencies: opts.natsAgencies ?? [], apps: opts.natsApps ?? [] }),
    opts.mongo === false ? undefined : startMongo(),
  ]);
  if (nats.status === 'rejected' || mongo.status === 'rejected') {
    await Promise.allSettled([
      nats.status === 'fulfilled' ? nats.value?.dispose() : undefined,
      mongo.status === 'fulfilled' ? mongo.value?.dispose() : undefined,
    ]);
    throw nats.status === 'rejected' ? nats.reason : (mongo as PromiseRejectedResult).reason;
  }
  return new SuiteEngines(nats.value, mongo.value);
}
