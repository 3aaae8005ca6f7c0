import { Instant, OneOf, PageQuery, Text, UuidField } from '@openlgsp/http';

export class AnnounceDto {
  @UuidField(false, 'the sharing service')
  serviceId!: string;

  @Text(4000, 'why (upgrade, maintenance)')
  reason!: string;

  @Instant(false, 'when it takes effect: at least 7 working days from now (Decree 47 Điều 43)')
  startsAt!: string;

  @Instant(false, 'the expected restoration time')
  expectedRestorationAt!: string;
}

export class PlannedSuspensionQuery extends PageQuery {
  @UuidField(true)
  serviceId?: string;

  @OneOf(['announced', 'in-effect', 'restored', 'cancelled'] as const, true)
  status?: 'announced' | 'in-effect' | 'restored' | 'cancelled';
}
