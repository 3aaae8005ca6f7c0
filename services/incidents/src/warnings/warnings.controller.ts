import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody } from '@openlgsp/http';
import { type IssueWarningDto, WarningQuery } from './warnings.dto.js';
import { WarningsService } from './warnings.service.js';

const uuid = new ParseUUIDPipe();
/** Every agency's people and systems, DIC, auditors and the police read the warnings. */
const READERS = ['provider', 'consumer', 'integrator', 'dic', 'auditor', 'police'] as const;

@ApiTags('warnings')
@Controller('warnings')
export class WarningsController {
  constructor(private readonly warnings: WarningsService) {}

  @Post()
  @Roles('dic')
  @ApiOperation({ summary: 'DIC warns every agency of a threat (002 Điều 8.9); TLP:CLEAR or TLP:GREEN only' })
  issue(@CommandBody('incidents.warning.issue') body: IssueWarningDto, @CurrentPrincipal() by: Principal) {
    const { validUntil, ...rest } = body;
    return this.warnings.issue({ ...rest, ...(validUntil ? { validUntil: new Date(validUntil) } : {}) }, by);
  }

  @Get()
  @Roles(...READERS)
  list(@Query() q: WarningQuery) {
    return this.warnings.list({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  }

  @Get(':warningId')
  @Roles(...READERS)
  get(@Param('warningId', uuid) id: string) {
    return this.warnings.get(id);
  }
}
