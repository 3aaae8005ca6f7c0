import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { acceptHtmlForms } from '@openlgsp/http';
import type { FastifyInstance } from 'fastify';
import { CheckpointsModule } from '../checkpoints/checkpoints.module.js';
import { TrailModule } from '../trail/trail.module.js';
import { VerificationModule } from '../verification/verification.module.js';
import { BusView } from './bus.view.js';
import { CONSOLE_CONFIG, consoleConfigFromEnv } from './console.config.js';
import { ConsoleController } from './console.controller.js';
import { ConsoleReadModel } from './console.read-model.js';
import { carrySessionToken } from './console.session.js';
import { DeadLettersService, ReplayConnection } from './dead-letters.service.js';
import { PlatformStatus } from './platform-status.js';

/** The largest console form: a discard reason of 1,000 characters, escaped, or a sign-in token. */
const FORM_BODY_LIMIT = 32 * 1024;

/** The operator console (README.md, "The operator console"). */
@Module({
  imports: [TrailModule, CheckpointsModule, VerificationModule],
  controllers: [ConsoleController],
  providers: [
    { provide: CONSOLE_CONFIG, useFactory: () => consoleConfigFromEnv() },
    ConsoleReadModel,
    BusView,
    ReplayConnection,
    DeadLettersService,
    PlatformStatus,
  ],
})
export class ConsoleModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    acceptHtmlForms(fastify, FORM_BODY_LIMIT);
    carrySessionToken(fastify);
  }
}
