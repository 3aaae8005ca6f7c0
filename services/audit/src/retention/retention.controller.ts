import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@openlgsp/auth';
import { TRAIL_READERS } from '../common.js';
import { ArchivesStore } from './archives.store.js';
import { RetentionService } from './retention.service.js';

@ApiTags('archives')
@Controller('archives')
export class RetentionController {
  constructor(
    private readonly retention: RetentionService,
    private readonly archives: ArchivesStore,
  ) {}

  /** Archives what is older than the retention period now (the timer does it too); DIC runs the platform. */
  @Post()
  @HttpCode(200)
  @Roles('dic')
  archive() {
    return this.retention.archive();
  }

  @Get()
  @Roles(...TRAIL_READERS)
  async list() {
    return { items: await this.archives.all() };
  }
}
