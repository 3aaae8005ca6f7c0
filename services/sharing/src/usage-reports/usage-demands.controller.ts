import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { toPeriod } from '../common/dto.js';
import { type DemandDto, UsageDemandQuery, type UsageReportDto } from './usage-demands.dto.js';
import { UsageDemandsService } from './usage-demands.service.js';

const uuid = new ParseUUIDPipe();
const READERS = ['consumer', 'provider', 'integrator', 'dic', 'auditor'] as const;

/** A provider that suspects misuse demands a usage report from the grant holder (004 Điều 13.1.g). */
@ApiTags('usage-report-demands')
@Controller('usage-report-demands')
export class UsageDemandsController {
  constructor(private readonly demands: UsageDemandsService) {}

  @Post()
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'Demand a usage report from a grant holder, due in working days' })
  demand(@CommandBody('sharing.usage-report.demand') body: DemandDto, @CurrentPrincipal() by: Principal) {
    return this.demands.demand(body.grantId, body.reason, by);
  }

  @Post(':demandId/report')
  @HttpCode(204)
  @Roles('consumer', 'integrator')
  @ApiOperation({ summary: 'The holder reports how it used the data' })
  async report(
    @Param('demandId', uuid) id: string,
    @CommandBody('sharing.usage-report.submit') body: UsageReportDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.demands.answer(
      id,
      {
        summary: body.summary,
        ...(body.requests !== undefined ? { requests: body.requests } : {}),
        ...(body.period ? { period: toPeriod(body.period) } : {}),
      },
      by,
    );
  }

  @Get()
  @Roles(...READERS)
  list(@Query() q: UsageDemandQuery, @CurrentPrincipal() by: Principal) {
    const { limit, cursor, ...filters } = q;
    return this.demands.list(by, filters, { limit, ...(cursor ? { cursor } : {}) });
  }

  @Get(':demandId')
  @Roles(...READERS)
  async get(@Param('demandId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return withoutStorageFields(await this.demands.get(id, by));
  }
}
