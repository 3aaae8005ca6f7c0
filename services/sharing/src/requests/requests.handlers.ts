import { Injectable } from '@nestjs/common';
import type { RequestFiledV1 } from '@openlgsp/contracts';
import { OnEvent, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { intakeActor } from '@openlgsp/events';
import { toDetails } from './request.details.js';
import { RequestsService } from './requests.service.js';

/** Intake: an agency's system files a request; the event's id becomes the request's. */
@Injectable()
export class RequestsHandlers {
  constructor(private readonly requests: RequestsService) {}

  @OnEvent('vn.openlgsp.sharing.request.filed.v1')
  async onFiled(event: LgspEvent<RequestFiledV1>, ctx: EventContext): Promise<void> {
    const by = intakeActor(event, ctx);
    await refuseOnRuleViolation(() => this.requests.submit(toDetails(event.data), by, event.id));
  }
}
