import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { CheckpointsModule } from './checkpoints/checkpoints.module.js';
import { ConsoleModule } from './console/console.module.js';
import { AuditConfigModule } from './config.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { TrailModule } from './trail/trail.module.js';
import { VerificationModule } from './verification/verification.module.js';

/**
 * The tamper-evident audit trail (DOMAIN.md §4). The recorder reads every stream raw with its own
 * durable consumers, so the service declares no event-handling consumers.
 */
@Module({
  imports: [
    PlatformModule.forService('audit'),
    AuditConfigModule,
    TrailModule,
    CheckpointsModule,
    VerificationModule,
    RetentionModule,
    ExportsModule,
    ConsoleModule,
  ],
})
export class AppModule {}
