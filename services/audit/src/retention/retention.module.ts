import { Module } from '@nestjs/common';
import { CheckpointsModule } from '../checkpoints/checkpoints.module.js';
import { TrailModule } from '../trail/trail.module.js';
import { ArchivesStore } from './archives.store.js';
import { RetentionController } from './retention.controller.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [TrailModule, CheckpointsModule],
  controllers: [RetentionController],
  providers: [ArchivesStore, RetentionService],
  exports: [ArchivesStore, RetentionService],
})
export class RetentionModule {}
