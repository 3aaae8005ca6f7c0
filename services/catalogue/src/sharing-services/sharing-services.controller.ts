import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { withoutStorageFields } from '@openlgsp/persistence';
import { CurrentPrincipal, Public, Roles, type Principal } from '@openlgsp/auth';
import type { SharingServiceState } from './sharing-service.model.js';
import {
  type DeclareServiceDto,
  type RetireServiceDto,
  ServiceSearchQuery,
  type SuspendServiceDto,
  type UpdateServiceDto,
} from './sharing-services.dto.js';
import { SharingServicesService } from './sharing-services.service.js';

const uuid = new ParseUUIDPipe();

/** What readers get: the document without storage internals. */
export function serviceView(doc: SharingServiceState) {
  return withoutStorageFields(doc, 'searchText', 'entryText');
}

/** The registry of sharing services: written by providers, readable by anyone (000 Điều 8.2). */
@ApiTags('services')
@Controller('services')
export class SharingServicesController {
  constructor(private readonly services: SharingServicesService) {}

  @Post()
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Declare a sharing service of a listed entry (004 Điều 5)' })
  declare(
    @CommandBody('catalogue.service.declare') body: DeclareServiceDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.services.declare(body, by);
  }

  @Patch(':serviceId')
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Update a service (000 Điều 5.7: providers notify changes)' })
  async update(
    @Param('serviceId', uuid) id: string,
    @CommandBody('catalogue.service.update') body: UpdateServiceDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return serviceView(await this.services.update(id, body, by));
  }

  @Post(':serviceId/suspension')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  async suspend(
    @Param('serviceId', uuid) id: string,
    @CommandBody('catalogue.service.suspend') body: SuspendServiceDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.services.suspend(
      id,
      { reason: body.reason, ...(body.until ? { until: new Date(body.until) } : {}) },
      by,
    );
  }

  @Post(':serviceId/resumption')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  async resume(@Param('serviceId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    await this.services.resume(id, by);
  }

  @Post(':serviceId/retirement')
  @HttpCode(204)
  @Roles('provider', 'integrator', 'dic')
  async retire(
    @Param('serviceId', uuid) id: string,
    @CommandBody('catalogue.service.retire') body: RetireServiceDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.services.retire(id, body.reason, by);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Search the registry with facet counts' })
  async search(@Query() query: ServiceSearchQuery) {
    const page = await this.services.search(query);
    return { ...page, items: page.items.map(serviceView) };
  }

  @Get(':serviceId')
  @Public()
  async get(@Param('serviceId', uuid) id: string) {
    return serviceView(await this.services.get(id));
  }
}
