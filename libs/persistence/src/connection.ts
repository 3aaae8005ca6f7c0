import mongoose, { type Connection } from 'mongoose';

// Filters with paths the schema does not know are dropped, not passed to the store. Operators smuggled
// into a request (`{ "$ne": null }`) never get this far: the HTTP layer refuses `$` keys, and DTOs
// type every filter value.
mongoose.set('strictQuery', true);

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

export interface MongoOptions {
  url: string;
  /** Each service owns its database; the URL's path wins when it names one. */
  dbName?: string;
}

export function mongoOptionsFromEnv(service: string, env = process.env): MongoOptions {
  return { url: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017', dbName: env.MONGO_DB ?? `lgsp_${service}` };
}

export async function openConnection({ url, dbName }: MongoOptions): Promise<Connection> {
  const hasDb = /^mongodb(\+srv)?:\/\/[^/]+\/[^?]+/.test(url);
  return mongoose
    .createConnection(url, {
      ...(hasDb || !dbName ? {} : { dbName }),
      serverSelectionTimeoutMS: 5_000,
      // An answer that never comes must fail the operation, not hold it (and the audit writer's queue
      // behind it) for ever: the callers retry a failed store operation, none retries a silent one.
      socketTimeoutMS: 60_000,
      // FerretDB v1 has no retryable writes; our conditional updates are safe to retry by hand.
      retryWrites: false,
      autoIndex: true,
    })
    .asPromise();
}

/** Readiness: the store answers a ping now. */
export async function pingStore(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('store not connected');
  await db.admin().command({ ping: 1 });
}
