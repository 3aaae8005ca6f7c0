import { Global, Module } from '@nestjs/common';
import { INCIDENTS_CONFIG, incidentsConfigFromEnv } from './config.js';

/** Read once at start: a bad setting stops the service with the variable's name. */
@Global()
@Module({
  providers: [{ provide: INCIDENTS_CONFIG, useFactory: () => incidentsConfigFromEnv() }],
  exports: [INCIDENTS_CONFIG],
})
export class IncidentsConfigModule {}
