import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { RequestFiledV1 } from '@openlgsp/contracts';
import { intakeActor, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { toDetails } from './request.details.js';
import { RequestsService } from './requests.service.js';

/** Intake: an agency's system files a request; the event's id becomes the request's. */
@Controller()
export class RequestsHandlers {
  constructor(private readonly requests: RequestsService) {}

  @EventPattern<string>('vn.openlgsp.sharing.request.filed.v1')
  async onFiled(@Payload() event: LgspEvent<RequestFiledV1>, @Ctx() ctx: EventContext): Promise<void> {
    const by = intakeActor(event, ctx);
    await refuseOnRuleViolation(() => this.requests.submit(toDetails(event.data), by, event.id));
  }
}
