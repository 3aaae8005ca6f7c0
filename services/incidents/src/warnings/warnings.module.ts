import { Module } from '@nestjs/common';
import { WarningsController } from './warnings.controller.js';
import { WarningsRepository } from './warnings.repository.js';
import { WarningsService } from './warnings.service.js';

@Module({
  controllers: [WarningsController],
  providers: [WarningsRepository, WarningsService],
})
export class WarningsModule {}
