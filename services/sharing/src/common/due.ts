/** How many due documents one tick handles per kind; the next tick takes the rest. */
export const DUE_BATCH = 200;

/** How many due documents are changed at once: each change waits on the store, then on the broker. */
export const DUE_IN_FLIGHT = 4;

/**
 * Runs `step` on every item, at most `inFlight` at a time, and counts the items it returned true for.
 * The first failure stops taking new items and is thrown once the steps under way have ended.
 */
export async function countApplied<T>(
  items: readonly T[],
  step: (item: T) => Promise<boolean>,
  inFlight = DUE_IN_FLIGHT,
): Promise<number> {
  let next = 0;
  let applied = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        if (await step(item)) applied++;
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(inFlight, items.length) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  return applied;
}
