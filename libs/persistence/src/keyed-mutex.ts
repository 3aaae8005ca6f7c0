/**
 * Runs one task at a time per key, in arrival order. Why: FerretDB v1 (SQLite) evaluates a
 * conditional update's filter and applies the update in two steps, so two racing writes can both
 * match the same revision. MongoDB makes the conditional update atomic on its own; on FerretDB (one
 * process per service, as locally and in tests) this lock closes the gap.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }
}
