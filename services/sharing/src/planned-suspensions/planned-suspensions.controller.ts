import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Public, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { type AnnounceDto, PlannedSuspensionQuery } from './planned-suspensions.dto.js';
import { PlannedSuspensionsService } from './planned-suspensions.service.js';

const uuid = new ParseUUIDPipe();
const view = (s: Parameters<typeof withoutStorageFields>[0]) =>
  withoutStorageFields(s, 'grantsSuspended', 'grantsResumed', 'announcedBy');

/** Planned suspensions of services: announced publicly ahead of time (Decree 47 Điều 43; 000 Điều 8.2). */
@ApiTags('planned-suspensions')
@Controller('planned-suspensions')
export class PlannedSuspensionsController {
  constructor(private readonly suspensions: PlannedSuspensionsService) {}

  @Post()
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Announce a suspension of a service for all consumers, ≥ 7 working days ahead' })
  announce(
    @CommandBody('sharing.service-suspension.announce') body: AnnounceDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.suspensions.announce(
      {
        serviceId: body.serviceId,
        reason: body.reason,
        startsAt: new Date(body.startsAt),
        expectedRestorationAt: new Date(body.expectedRestorationAt),
      },
      by,
    );
  }

  @Post(':suspensionId/end')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'Restore the service now (in effect) or cancel the plan (announced)' })
  async end(@Param('suspensionId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    await this.suspensions.end(id, by);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Planned suspensions (public)' })
  async list(@Query() q: PlannedSuspensionQuery) {
    const page = await this.suspensions.list(
      { ...(q.serviceId ? { serviceId: q.serviceId } : {}), ...(q.status ? { status: q.status } : {}) },
      { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
    );
    return { ...page, items: page.items.map(view) };
  }

  @Get(':suspensionId')
  @Public()
  async get(@Param('suspensionId', uuid) id: string) {
    return view(await this.suspensions.get(id));
  }
}
