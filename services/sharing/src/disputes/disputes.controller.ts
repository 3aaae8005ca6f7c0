import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { toPeriod } from '../common/dto.js';
import { type DecideDisputeDto, DisputeQuery, type OpenDisputeDto } from './disputes.dto.js';
import { DisputesService } from './disputes.service.js';

const uuid = new ParseUUIDPipe();

/** Disputes (vướng mắc): the requester brings a refused or overdue request to DIC (004 Điều 15). */
@ApiTags('disputes')
@Controller('disputes')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Post()
  @Roles('consumer', 'integrator')
  @ApiOperation({ summary: 'Dispute a refusal or an overdue request; the dispute id is the request id' })
  open(@CommandBody('sharing.dispute.open') body: OpenDisputeDto, @CurrentPrincipal() by: Principal) {
    return this.disputes.open(body.requestId, body.statement, by);
  }

  @Post(':disputeId/decision')
  @HttpCode(204)
  @Roles('dic')
  @ApiOperation({ summary: "DIC's final decision: uphold the refusal, or order sharing (a grant follows)" })
  async decide(
    @Param('disputeId', uuid) id: string,
    @CommandBody('sharing.dispute.decide') body: DecideDisputeDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const { validity, ...rest } = body;
    await this.disputes.decide(id, { ...rest, ...(validity ? { validity: toPeriod(validity) } : {}) }, by);
  }

  @Get()
  @Roles('consumer', 'provider', 'integrator', 'dic', 'auditor')
  list(@Query() q: DisputeQuery, @CurrentPrincipal() by: Principal) {
    return this.disputes.list(
      by,
      { ...(q.status ? { status: q.status } : {}) },
      { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
    );
  }

  @Get(':disputeId')
  @Roles('consumer', 'provider', 'integrator', 'dic', 'auditor')
  async get(@Param('disputeId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return withoutStorageFields(await this.disputes.get(id, by));
  }
}
