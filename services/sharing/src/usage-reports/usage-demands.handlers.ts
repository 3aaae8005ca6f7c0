import { Injectable } from '@nestjs/common';
import type { UsageReportAnsweredV1 } from '@openlgsp/contracts';
import { OnEvent, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { intakeActor } from '@openlgsp/events';
import { UsageDemandsService } from './usage-demands.service.js';

/** Intake: a grant holder's system answers a usage-report demand. */
@Injectable()
export class UsageDemandsHandlers {
  constructor(private readonly demands: UsageDemandsService) {}

  @OnEvent('vn.openlgsp.sharing.usage-report.answered.v1')
  async onAnswered(event: LgspEvent<UsageReportAnsweredV1>, ctx: EventContext): Promise<void> {
    const by = intakeActor(event, ctx);
    const { demandId, period, ...report } = event.data;
    const answer = {
      ...report,
      ...(period ? { period: { from: new Date(period.from), until: new Date(period.until) } } : {}),
    };
    await refuseOnRuleViolation(() => this.demands.answer(demandId, answer, by));
  }
}
