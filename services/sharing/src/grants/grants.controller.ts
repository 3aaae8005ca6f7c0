import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { AccessCheckQuery, GrantQuery, type SuspendGrantDto, type TerminateGrantDto } from './grants.dto.js';
import { GrantsService } from './grants.service.js';

const uuid = new ParseUUIDPipe();
const READERS = ['consumer', 'provider', 'integrator', 'dic', 'auditor'] as const;

/** Grants: who may use which entry's data, within which fields, until when. */
@ApiTags('grants')
@Controller('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get('check')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Does this agency hold an active grant for this entry (and service) covering these fields now?',
    description:
      "Called by a provider's system before it serves data. Answers 200 with allowed true/false and the reasons.",
  })
  check(@Query() q: AccessCheckQuery, @CurrentPrincipal() by: Principal) {
    return this.grants.check(
      {
        holderAgency: q.holder,
        entryId: q.entryId,
        ...(q.serviceId ? { serviceId: q.serviceId } : {}),
        fields: q.fields ?? [],
      },
      by,
    );
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Grants: a provider sees those on its entries, a holder its own, DIC all' })
  list(@Query() q: GrantQuery, @CurrentPrincipal() by: Principal) {
    const { limit, cursor, ...filters } = q;
    return this.grants.list(by, filters, { limit, ...(cursor ? { cursor } : {}) });
  }

  @Get(':grantId')
  @Roles(...READERS)
  async get(@Param('grantId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return withoutStorageFields(await this.grants.get(id, by));
  }

  @Post(':grantId/suspension')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'Suspend for a breach of the usage rules or a security risk (Decree 47 Điều 43)' })
  async suspend(
    @Param('grantId', uuid) id: string,
    @CommandBody('sharing.grant.suspend') body: SuspendGrantDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.grants.suspend(
      id,
      { cause: body.cause, reason: body.reason, ...(body.until ? { until: new Date(body.until) } : {}) },
      by,
    );
  }

  @Post(':grantId/resumption')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  async resume(@Param('grantId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    await this.grants.resume(id, by);
  }

  @Post(':grantId/termination')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'End the grant before its expiry, with a reason (Decree 47 Điều 44)' })
  async terminate(
    @Param('grantId', uuid) id: string,
    @CommandBody('sharing.grant.terminate') body: TerminateGrantDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.grants.terminate(id, body.reason, by);
  }
}
