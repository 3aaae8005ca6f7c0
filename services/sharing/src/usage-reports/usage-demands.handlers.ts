import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { UsageReportAnsweredV1 } from '@openlgsp/contracts';
import { intakeActor, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { UsageDemandsService } from './usage-demands.service.js';

/** Intake: a grant holder's system answers a usage-report demand. */
@Controller()
export class UsageDemandsHandlers {
  constructor(private readonly demands: UsageDemandsService) {}

  @EventPattern<string>('vn.openlgsp.sharing.usage-report.answered.v1')
  async onAnswered(
    @Payload() event: LgspEvent<UsageReportAnsweredV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const by = intakeActor(event, ctx);
    const { demandId, period, ...report } = event.data;
    const answer = {
      ...report,
      ...(period ? { period: { from: new Date(period.from), until: new Date(period.until) } } : {}),
    };
    await refuseOnRuleViolation(() => this.demands.answer(demandId, answer, by));
  }
}
