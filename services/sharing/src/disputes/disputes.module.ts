import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module.js';
import { DisputesController } from './disputes.controller.js';
import { DisputesRepository } from './disputes.repository.js';
import { DisputesService } from './disputes.service.js';

@Module({
  imports: [RequestsModule],
  controllers: [DisputesController],
  providers: [DisputesRepository, DisputesService],
})
export class DisputesModule {}
