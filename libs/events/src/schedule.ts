import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
export interface TaskLogger {
  error(obj: object, msg: string): void;
}

/**
 * A timed loop of the app (deadlines, checkpoints, archiving): `start` with the app, `stop` with it.
 * Runs never overlap: a tick while a run is in progress, or `runNow` by hand, shares that run. A
 * failed run is logged and the next tick tries again. An interval of 0 turns the timer off (runs by
 * hand still work). The timer never keeps the process alive.
 */
export class PeriodicTask<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    readonly name: string,
    readonly intervalMs: number,
    private readonly run: () => Promise<T>,
    private readonly logger: TaskLogger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.runNow().catch((err: unknown) =>
        this.logger.error({ err, task: this.name }, `${this.name} failed; the next run retries`),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now, or the one already in progress. */
  runNow(): Promise<T> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }
}

/**
 * A provider whose `pass()` runs every interval while the app runs (started at bootstrap, stopped,
 * with the pass in progress awaited, at shutdown); `tick()` runs one pass by hand, sharing one in
 * progress. The services' clock-driven steps (deadlines, freshness) are this shape.
 */
export abstract class ScheduledPasses<T, L extends TaskLogger = TaskLogger>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly task: PeriodicTask<T>;

  constructor(
    name: string,
    intervalMs: number,
    protected readonly log: L,
  ) {
    this.task = new PeriodicTask(name, intervalMs, () => this.pass(), log);
  }

  /** One pass over everything due now. */
  protected abstract pass(): Promise<T>;

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass now; overlapping calls share the pass in progress. */
  tick(): Promise<T> {
    return this.task.runNow();
  }
}
