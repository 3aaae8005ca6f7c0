import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, ScheduledPasses, type Clock } from '@openlgsp/events';
import { createLogger, type Logger } from '@openlgsp/telemetry';
import { INCIDENTS_CONFIG, type IncidentsConfig } from '../config.js';
import { AnnualReportsService } from '../annual-reports/annual-reports.service.js';
import { IncidentsService } from '../incidents/incidents.service.js';

export interface TickReport {
  reminded: number;
  escalated: number;
  annualReminded: number;
  annualOverdue: number;
}

/**
 * The incidents' clocks (Thông tư 20/2017 and the per-severity targets) and the annual reports' due
 * dates: reminders before each due time, escalation to DIC (or the overdue flag) after. Every due time and flag is a stored date and every step a guarded
 * write, so a restart loses nothing and several instances may tick at once (one wins each step).
 */
@Injectable()
export class DeadlinesScheduler extends ScheduledPasses<TickReport, Logger> {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly annualReports: AnnualReportsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENTS_CONFIG) config: IncidentsConfig,
  ) {
    super(
      'deadline tick',
      config.deadlineTickMs,
      createLogger('incidents').child({ component: 'deadlines' }),
    );
  }

  protected async pass(): Promise<TickReport> {
    const now = this.clock();
    const { reminded, escalated } = await this.incidents.runClocks(now);
    const annual = await this.annualReports.runDeadlines(now);
    const report = { reminded, escalated, annualReminded: annual.reminded, annualOverdue: annual.overdue };
    if (Object.values(report).some((n) => n > 0)) this.log.info(report, 'deadlines applied');
    return report;
  }
}
