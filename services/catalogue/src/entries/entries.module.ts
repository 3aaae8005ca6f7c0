import { Module } from '@nestjs/common';
import { EntriesController } from './entries.controller.js';
import { EntriesRepository } from './entries.repository.js';
import { EntriesService } from './entries.service.js';

@Module({
  controllers: [EntriesController],
  providers: [EntriesRepository, EntriesService],
  exports: [EntriesRepository, EntriesService],
})
export class EntriesModule {}
