import { Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ROLES, Roles, type Principal, type Role } from '@openlgsp/auth';
import { CommandBody, ParseAgencyCodePipe } from '@openlgsp/http';
import { AgenciesService } from './agencies.service.js';
import { type AgencyDetailsDto, type RegisterAgencyDto } from './agencies.dto.js';

const AGENCY_STAFF: Role[] = ROLES.filter((r) => r !== 'public-app');

@ApiTags('agencies')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @Roles('dic')
  register(
    @CommandBody('catalogue.agency.register') body: RegisterAgencyDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const { code, ...details } = body;
    return this.agencies.register(code, details, by);
  }

  @Put(':code')
  @Roles('dic')
  update(
    @Param('code', ParseAgencyCodePipe) code: string,
    @CommandBody('catalogue.agency.update') body: AgencyDetailsDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.agencies.update(code, body, by);
  }

  // Focal points' contacts are for state agencies, not for external apps.
  @Get()
  @Roles(...AGENCY_STAFF)
  async list() {
    return { items: await this.agencies.all() };
  }

  @Get(':code')
  @Roles(...AGENCY_STAFF)
  get(@Param('code', ParseAgencyCodePipe) code: string) {
    return this.agencies.get(code);
  }
}
