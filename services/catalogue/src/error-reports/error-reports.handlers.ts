import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DataErrorReportedV1 } from '@openlgsp/contracts';
import {
  EventRejection,
  intakeActor,
  refuseOnRuleViolation,
  type EventContext,
  type LgspEvent,
} from '@openlgsp/events';
import { ErrorReportsService } from './error-reports.service.js';

@Controller()
export class ErrorReportsHandlers {
  constructor(private readonly reports: ErrorReportsService) {}

  /** A consumer agency's system reports a data error; the event id becomes the report id. */
  @EventPattern<string>('vn.openlgsp.catalogue.data-error.reported.v1')
  async onDataErrorReported(
    @Payload() event: LgspEvent<DataErrorReportedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const by = intakeActor(event, ctx);
    await refuseOnRuleViolation(async () => {
      const existing = await this.reports.find(event.id);
      if (existing?.reporterAgency === by.agency) return; // redelivered after the write, before the ack
      if (existing)
        throw EventRejection.because(
          'id-taken',
          `event id ${event.id} is already used; send a new id`,
          '/id',
        );
      await this.reports.open({ ...event.data, reportId: event.id }, by);
    });
  }
}
