/**
 * The driver's and Mongoose's names for "the store is not there now": no server to select, a
 * connection lost or refused, a pool cleared after a failed check, a connection closed under an
 * operation. None says anything about the request or event at hand; all pass once the store is back.
 */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/**
 * True when `err` (or its cause) says the store is unreachable: HTTP answers 503 with Retry-After and
 * event consumers hold the event, rather than a 500 or a spent delivery attempt.
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNAVAILABLE.has(e.name)) return true;
    // Mongoose queues operations while it has no connection, then gives up with a plain MongooseError.
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message)) return true;
  }
  return false;
}
