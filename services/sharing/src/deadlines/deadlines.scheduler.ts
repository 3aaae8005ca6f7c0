import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, ScheduledPasses, type Clock } from '@openlgsp/events';
import { createLogger, type Logger } from '@openlgsp/telemetry';
import { SHARING_CONFIG, type SharingConfig } from '../config.js';
import { GrantsService } from '../grants/grants.service.js';
import { PlannedSuspensionsService } from '../planned-suspensions/planned-suspensions.service.js';
import { RequestsService } from '../requests/requests.service.js';
import { UsageDemandsService } from '../usage-reports/usage-demands.service.js';

export interface TickReport {
  reminded: number;
  escalated: number;
  expired: number;
  started: number;
  restored: number;
  flagged: number;
}

/**
 * The time-driven rules: reminders and escalations of requests, grant expiry, planned suspensions,
 * overdue usage reports. Every deadline is a stored date and every step a guarded write, so a restart
 * loses nothing and several instances may tick at once (one wins each step, the others skip it).
 */
@Injectable()
export class DeadlinesScheduler extends ScheduledPasses<TickReport, Logger> {
  constructor(
    private readonly requests: RequestsService,
    private readonly grants: GrantsService,
    private readonly plannedSuspensions: PlannedSuspensionsService,
    private readonly usageDemands: UsageDemandsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHARING_CONFIG) config: SharingConfig,
  ) {
    super('deadline tick', config.deadlineTickMs, createLogger('sharing').child({ component: 'deadlines' }));
  }

  protected async pass(): Promise<TickReport> {
    const now = this.clock();
    const { reminded, escalated } = await this.requests.runDeadlines(now);
    const expired = await this.grants.expireDue(now);
    const { started, restored } = await this.plannedSuspensions.runDeadlines(now);
    const flagged = await this.usageDemands.flagOverdue(now);
    const report = { reminded, escalated, expired, started, restored, flagged };
    if (Object.values(report).some((n) => n > 0)) this.log.info(report, 'deadlines applied');
    return report;
  }
}
