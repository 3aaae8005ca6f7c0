import { Module } from '@nestjs/common';
import { AgenciesController } from './agencies.controller.js';
import { AgenciesRepository } from './agencies.repository.js';
import { AgenciesService } from './agencies.service.js';

@Module({ controllers: [AgenciesController], providers: [AgenciesRepository, AgenciesService] })
export class AgenciesModule {}
