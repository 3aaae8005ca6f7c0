/**
 * Runs work for many keys at once and the work of one key in the order it was admitted, with at most
 * `limit` pieces of work admitted and unfinished (running, or waiting behind an earlier piece of the
 * same key). `admit` resolves once the piece holds a place, so a caller that awaits it before taking
 * the next piece stops taking when the scheduler is full: that is the backpressure.
 */
export class KeyedScheduler {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private held = 0;

  constructor(
    readonly limit: number,
    /** Work must settle on its own; what it throws anyway is handed here, and its key goes on. */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer`);
  }

  /** Work admitted and not finished. */
  get inFlight(): number {
    return this.held;
  }

  /** Keys with admitted work. */
  get keys(): number {
    return this.tails.size;
  }

  async admit(key: string, work: () => Promise<void>): Promise<void> {
    while (this.held >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.held++;
    const before = this.tails.get(key);
    const run = async () => {
      try {
        await work();
      } catch (err) {
        this.onError(err);
      }
    };
    const tail = (before ? before.then(run) : run()).finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.held--;
      this.waiting.shift()?.();
    });
    this.tails.set(key, tail);
  }

  /** Resolves when every admitted piece of work has finished. */
  async drain(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}

/** The ordering key of an event message: its CloudEvents subject (the aggregate), else its NATS subject. */
export function orderKeyOf(message: { subject: string; headers?: { get(k: string): string } }): string {
  const aggregate = message.headers?.get('ce-subject');
  return aggregate ? `aggregate:${aggregate}` : `subject:${message.subject}`;
}
