import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody } from '@openlgsp/http';
import {
  type DecideRegistrationDto,
  type ProposeRegistrationDto,
  RegistrationQuery,
  type RequestRegistrationDto,
} from './registrations.dto.js';
import { RegistrationsService } from './registrations.service.js';

const uuid = new ParseUUIDPipe();
const AGENCY = ['provider', 'consumer', 'integrator'] as const;

@ApiTags('registrations')
@Controller('registrations')
export class RegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Post()
  @Roles(...AGENCY)
  @ApiOperation({
    summary: 'Ask to connect, change or disconnect a network service point (001 Điều 9, 14.2)',
  })
  request(
    @CommandBody('incidents.registration.request') body: RequestRegistrationDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.registrations.request({ ...body, agency: by.agency }, by);
  }

  @Get()
  @Roles(...AGENCY, 'dic', 'committee', 'auditor')
  list(@Query() q: RegistrationQuery, @CurrentPrincipal() by: Principal) {
    return this.registrations.list(by, q.status, {
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
  }

  @Get(':registrationId')
  @Roles(...AGENCY, 'dic', 'committee', 'auditor')
  get(@Param('registrationId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.registrations.get(id, by);
  }

  @Post(':registrationId/proposal')
  @HttpCode(200)
  @Roles('dic')
  @ApiOperation({ summary: "DIC proposes to the People's Committee (001 Điều 9)" })
  propose(
    @Param('registrationId', uuid) id: string,
    @CommandBody('incidents.registration.propose') body: ProposeRegistrationDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.registrations.propose(id, body, by);
  }

  @Post(':registrationId/decision')
  @HttpCode(200)
  @Roles('committee')
  @ApiOperation({
    summary: "The People's Committee decides (001 Điều 9)",
    description:
      'A connection is approved only with a passed security assessment on record (001 Điều 7.2, 15.1).',
  })
  decide(
    @Param('registrationId', uuid) id: string,
    @CommandBody('incidents.registration.decide') body: DecideRegistrationDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.registrations.decide(id, body, by);
  }
}
