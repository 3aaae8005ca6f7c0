import { Module } from '@nestjs/common';
import { EntriesController } from '../entries/entries.controller.js';
import { EntriesService } from '../entries/entries.service.js';
import { TrailRecorder } from './recorder.js';
import { TrailStore } from './trail.store.js';

/** Recording (every stream into the chain) and reading the trail. */
@Module({
  controllers: [EntriesController],
  providers: [TrailStore, TrailRecorder, EntriesService],
  exports: [TrailStore, TrailRecorder],
})
export class TrailModule {}
