import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { toPeriod } from '../common/dto.js';
import { toDetails } from './request.details.js';
import {
  type ApproveDto,
  type RefuseDto,
  RequestQuery,
  type SubmitRequestDto,
  type WithdrawDto,
} from './requests.dto.js';
import { RequestsService } from './requests.service.js';

const uuid = new ParseUUIDPipe();
const READERS = ['consumer', 'provider', 'integrator', 'dic', 'auditor'] as const;

/** Sharing requests: consumers ask, the owning agency's providers decide (Decree 47 Điều 37–39). */
@ApiTags('requests')
@Controller('requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @Roles('consumer', 'integrator')
  @ApiOperation({
    summary: "Ask for an entry's data: purpose, fields, legal basis, period (000 Điều 7.2)",
    description: 'A default-shared entry is granted at once (status approved, grantId in the answer).',
  })
  submit(@CommandBody('sharing.request.submit') body: SubmitRequestDto, @CurrentPrincipal() by: Principal) {
    return this.requests.submit(toDetails(body), by);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Requests: a provider sees those for its entries, a consumer its own, DIC all' })
  list(@Query() q: RequestQuery, @CurrentPrincipal() by: Principal) {
    const { limit, cursor, ...filters } = q;
    return this.requests.list(by, filters, { limit, ...(cursor ? { cursor } : {}) });
  }

  @Get(':requestId')
  @Roles(...READERS)
  async get(@Param('requestId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return withoutStorageFields(await this.requests.get(id, by));
  }

  @Post(':requestId/review')
  @HttpCode(204)
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'The provider starts reviewing the request' })
  async review(@Param('requestId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    await this.requests.startReview(id, by);
  }

  @Post(':requestId/approval')
  @HttpCode(200)
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Approve, fixing the scope (fields), validity and conditions; a grant follows' })
  approve(
    @Param('requestId', uuid) id: string,
    @CommandBody('sharing.request.approve') body: ApproveDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.requests.approve(
      id,
      {
        ...(body.fields ? { fields: body.fields } : {}),
        ...(body.validity ? { validity: toPeriod(body.validity) } : {}),
        ...(body.conditions ? { conditions: body.conditions } : {}),
      },
      by,
    );
  }

  @Post(':requestId/refusal')
  @HttpCode(204)
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Refuse in writing, with reasons and legal basis (Decree 194/2025 Điều 16.2)' })
  async refuse(
    @Param('requestId', uuid) id: string,
    @CommandBody('sharing.request.refuse') body: RefuseDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.requests.refuse(id, body, by);
  }

  @Post(':requestId/withdrawal')
  @HttpCode(204)
  @Roles('consumer', 'integrator')
  @ApiOperation({ summary: 'The requester withdraws its request before a decision' })
  async withdraw(
    @Param('requestId', uuid) id: string,
    @CommandBody('sharing.request.withdraw') body: WithdrawDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.requests.withdraw(id, body.reason, by);
  }
}
