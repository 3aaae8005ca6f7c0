import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { AlertRaisedV1 } from '@openlgsp/contracts';
import { intakeActor, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { reportFromAlert } from './incident.rules.js';
import { IncidentsService } from './incidents.service.js';

/**
 * Intake: an agency's monitoring system raises an alert (`lgsp.intake.<agency>.incidents.alert.raised`,
 * or `POST /incidents/events`). The agency is the publisher's, the source the CloudEvent's; a new
 * incident takes the event's id.
 */
@Controller()
export class IncidentsHandlers {
  constructor(private readonly incidents: IncidentsService) {}

  @EventPattern<string>('vn.openlgsp.incidents.alert.raised.v1')
  async onAlert(@Payload() event: LgspEvent<AlertRaisedV1>, @Ctx() ctx: EventContext): Promise<void> {
    const by = intakeActor(event, ctx);
    const report = reportFromAlert(event.data, { agency: by.agency, source: event.source });
    await refuseOnRuleViolation(() => this.incidents.report(report, by, event.id));
  }
}
