import { Global, Module } from '@nestjs/common';
import { SHARING_CONFIG, sharingConfigFromEnv } from './config.js';

/** Read once at start: a bad setting stops the service with the variable's name. */
@Global()
@Module({
  providers: [{ provide: SHARING_CONFIG, useFactory: () => sharingConfigFromEnv() }],
  exports: [SHARING_CONFIG],
})
export class SharingConfigModule {}
