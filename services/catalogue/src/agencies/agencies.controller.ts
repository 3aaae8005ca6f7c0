import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { ParseAgencyCodePipe } from '../common/pipes.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyDetailsDto, RegisterAgencyDto } from './agencies.dto.js';

@ApiTags('agencies')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @Roles('dic')
  register(@Body() body: RegisterAgencyDto, @CurrentPrincipal() by: Principal) {
    const { code, ...details } = body;
    return this.agencies.register(code, details, by);
  }

  @Put(':code')
  @Roles('dic')
  update(
    @Param('code', ParseAgencyCodePipe) code: string,
    @Body() body: AgencyDetailsDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.agencies.update(code, body, by);
  }

  @Get()
  async list() {
    return { items: await this.agencies.all() };
  }

  @Get(':code')
  get(@Param('code', ParseAgencyCodePipe) code: string) {
    return this.agencies.get(code);
  }
}
