import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { AGENCY_STAFF } from '../common.js';
import { EntriesQuery } from './entries.dto.js';
import { EntriesService } from './entries.service.js';

@ApiTags('entries')
@Controller('entries')
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Get()
  @Roles(...AGENCY_STAFF)
  search(@Query() query: EntriesQuery, @CurrentPrincipal() by: Principal) {
    return this.entries.search(query, by);
  }

  @Get(':seq')
  @Roles(...AGENCY_STAFF)
  get(@Param('seq', ParseIntPipe) seq: number, @CurrentPrincipal() by: Principal) {
    return this.entries.get(seq, by);
  }
}
