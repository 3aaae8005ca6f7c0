import { Global, Module } from '@nestjs/common';
import { AUDIT_CONFIG, auditConfigFromEnv } from './config.js';

/** Read when the app is created (a bad value stops the start, saying which and why). */
@Global()
@Module({
  providers: [{ provide: AUDIT_CONFIG, useFactory: () => auditConfigFromEnv() }],
  exports: [AUDIT_CONFIG],
})
export class AuditConfigModule {}
