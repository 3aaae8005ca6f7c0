import { Module } from '@nestjs/common';
import { IntakeController } from './intake.controller.js';

@Module({ controllers: [IntakeController] })
export class IntakeModule {}
