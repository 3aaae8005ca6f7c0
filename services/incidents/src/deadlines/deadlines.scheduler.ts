import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, PeriodicTask, type Clock } from '@openlgsp/events';
import { createLogger } from '@openlgsp/telemetry';
import { INCIDENTS_CONFIG, type IncidentsConfig } from '../config.js';
import { IncidentsService } from '../incidents/incidents.service.js';

export interface TickReport {
  reminded: number;
  escalated: number;
}

/**
 * The incidents' clocks (Thông tư 20/2017 and the per-severity targets): reminders before each due
 * time, escalation to DIC after. Every due time and flag is a stored date and every step a guarded
 * write, so a restart loses nothing and several instances may tick at once (one wins each step).
 */
@Injectable()
export class DeadlinesScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('incidents').child({ component: 'deadlines' });
  private readonly task: PeriodicTask<TickReport>;

  constructor(
    private readonly incidents: IncidentsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENTS_CONFIG) config: IncidentsConfig,
  ) {
    this.task = new PeriodicTask('deadline tick', config.deadlineTickMs, () => this.pass(), this.log);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass over everything due now; overlapping calls share the pass in progress. */
  tick(): Promise<TickReport> {
    return this.task.runNow();
  }

  private async pass(): Promise<TickReport> {
    const report = await this.incidents.runClocks(this.clock());
    if (Object.values(report).some((n) => n > 0)) this.log.info(report, 'deadlines applied');
    return report;
  }
}
