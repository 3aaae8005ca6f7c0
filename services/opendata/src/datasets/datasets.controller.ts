import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { withoutStorageFields } from '@openlgsp/persistence';
import { FreshnessService } from './freshness.service.js';
import {
  DatasetQuery,
  type CreateDatasetDto,
  type EditDatasetDto,
  type RetractDatasetDto,
  type ReturnDatasetDto,
} from './datasets.dto.js';
import { DatasetsService } from './datasets.service.js';

const uuid = new ParseUUIDPipe();

/**
 * Open datasets as agencies draft them and the portal's editors publish them (000 Điều 9.1–9.2;
 * 003 Điều 7). The public read side (search, CKAN, DCAT, downloads) is elsewhere in this service.
 */
@ApiTags('datasets')
@Controller('datasets')
export class DatasetsController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly freshness: FreshnessService,
  ) {}

  @Post()
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Draft a dataset for one of your listed entries marked open' })
  create(@CommandBody('opendata.dataset.create') body: CreateDatasetDto, @CurrentPrincipal() by: Principal) {
    return this.datasets.create(body, by);
  }

  @Get()
  @Roles('provider', 'integrator', 'editor', 'dic', 'auditor')
  @ApiOperation({
    summary:
      "Working copies: your agency's; the editors' review queue (submitted) by default; DIC everything",
  })
  list(@Query() q: DatasetQuery, @CurrentPrincipal() by: Principal) {
    return this.datasets.list(by, q.status, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  }

  @Get('overdue')
  @Roles('dic')
  @ApiOperation({
    summary: 'Public datasets past their next update (from their frequency), the latest first',
  })
  overdue() {
    return this.freshness.overdue();
  }

  @Get(':datasetId')
  @Roles('provider', 'integrator', 'editor', 'dic', 'auditor')
  @ApiOperation({ summary: 'A working copy with its state (owner agency, editors, DIC, auditors)' })
  async get(@Param('datasetId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return withoutStorageFields(await this.datasets.read(id, by));
  }

  @Put(':datasetId')
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'Edit the working copy (metadata and links; uploaded files stay)' })
  async edit(
    @Param('datasetId', uuid) id: string,
    @CommandBody('opendata.dataset.edit') body: EditDatasetDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return withoutStorageFields(await this.datasets.edit(id, body, by));
  }

  @Get(':datasetId/check')
  @Roles('provider', 'integrator', 'editor', 'dic')
  @ApiOperation({ summary: 'The check before publication, now: every problem with its JSON pointer' })
  check(@Param('datasetId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.datasets.check(id, by);
  }

  @Post(':datasetId/submission')
  @HttpCode(200)
  @Roles('provider', 'integrator')
  @ApiOperation({
    summary: 'Submit the working copy for review; it must pass the check (access URLs are tried and flagged)',
  })
  submit(@Param('datasetId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.datasets.submit(id, by);
  }

  @Post(':datasetId/publication')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Publish the submission as the next immutable version (editors)' })
  publish(@Param('datasetId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.datasets.publish(id, by);
  }

  @Post(':datasetId/return')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Return the submission to its agency, with reasons (editors)' })
  returnToAgency(
    @Param('datasetId', uuid) id: string,
    @CommandBody('opendata.dataset.return') body: ReturnDatasetDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.datasets.returnToAgency(id, body.reasons, by);
  }

  @Post(':datasetId/retraction')
  @HttpCode(200)
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'Retract a public dataset, with a reason (owner or DIC)' })
  retract(
    @Param('datasetId', uuid) id: string,
    @CommandBody('opendata.dataset.retract') body: RetractDatasetDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.datasets.retract(id, body.reason, by);
  }

  @Get(':datasetId/versions/:version')
  @Roles('provider', 'integrator', 'editor', 'dic', 'auditor')
  @ApiOperation({ summary: 'One published version, as it was published (immutable)' })
  version(
    @Param('datasetId', uuid) id: string,
    @Param('version', ParseIntPipe) version: number,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.datasets.version(id, version, by);
  }
}
