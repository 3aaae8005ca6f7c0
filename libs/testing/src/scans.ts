import { Mongoose } from 'mongoose';

/** The harness's own Mongoose instance, so that it never touches the tests' default one. */
const harnessMongoose = new Mongoose();

/** One kind of command that read a whole collection: where, which command, the filter's shape. */
export interface StoreScan {
  /** `<collection>` (the database is the suite's own) */
  collection: string;
  command: string;
  /** The filter with its values replaced by their types: `{status: string, at: {$lte: date}}`. */
  filter: string;
  count: number;
}

/**
 * Reads lgsp-ferretdb's count of scans — commands whose filter FerretDB v1 does not push down to
 * SQL (anything but a plain string or ObjectId `_id`), so that it reads the whole collection — in
 * the suite's database (`mongoUrl` names it), and clears the engine's counts. `undefined` on a
 * server that does not count them (MongoDB indexes its filters; an older lgsp-ferretdb).
 */
export async function takeStoreScans(mongoUrl: string): Promise<StoreScan[] | undefined> {
  const conn = await harnessMongoose
    .createConnection(mongoUrl, { serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    const database = conn.db!.databaseName;
    const reply = await conn
      .db!.admin()
      .command({ lgspScans: 1, reset: true })
      .catch(() => undefined);
    if (!reply) return undefined;
    const scans = reply['scans'] as { ns: string; command: string; filter: string; count: number }[];
    return scans
      .filter((s) => s.ns.startsWith(`${database}.`))
      .map((s) => ({
        collection: s.ns.slice(database.length + 1),
        command: s.command,
        filter: s.filter,
        count: Number(s.count),
      }));
  } finally {
    await conn.close();
  }
}

/**
 * Runs `work` (a hot path: per request or per event) and returns the scans the store made meanwhile,
 * as lines `<collection> <command> <filter> ×<count>` (empty when none; `undefined` when the
 * server does not count them, see takeStoreScans). Scans by other work running at the same time in
 * the same database count too: quiesce the service (e.g. a long sweep interval) before.
 */
export async function scansDuring(
  mongoUrl: string,
  work: () => Promise<unknown>,
): Promise<string[] | undefined> {
  await takeStoreScans(mongoUrl);
  await work();
  const scans = await takeStoreScans(mongoUrl);
  return scans?.map((s) => `${s.collection} ${s.command} ${s.filter} ×${s.count}`);
}
