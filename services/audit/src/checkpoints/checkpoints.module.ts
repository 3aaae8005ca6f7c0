import { Module } from '@nestjs/common';
import { TrailModule } from '../trail/trail.module.js';
import { CheckpointsController } from './checkpoints.controller.js';
import { CheckpointsRepository } from './checkpoints.repository.js';
import { CheckpointsService } from './checkpoints.service.js';

@Module({
  imports: [TrailModule],
  controllers: [CheckpointsController],
  providers: [CheckpointsRepository, CheckpointsService],
  exports: [CheckpointsService],
})
export class CheckpointsModule {}
