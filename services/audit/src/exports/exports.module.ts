import { Module } from '@nestjs/common';
import { TrailModule } from '../trail/trail.module.js';
import { ExportsController } from './exports.controller.js';

@Module({ imports: [TrailModule], controllers: [ExportsController] })
export class ExportsModule {}
