import { Module } from '@nestjs/common';
import { EntriesModule } from '../entries/entries.module.js';
import { SharingServicesController } from './sharing-services.controller.js';
import { SharingServicesHandlers } from './sharing-services.handlers.js';
import { SharingServicesRepository } from './sharing-services.repository.js';
import { SharingServicesService } from './sharing-services.service.js';

@Module({
  imports: [EntriesModule],
  controllers: [SharingServicesController, SharingServicesHandlers],
  providers: [SharingServicesRepository, SharingServicesService],
})
export class SharingServicesModule {}
