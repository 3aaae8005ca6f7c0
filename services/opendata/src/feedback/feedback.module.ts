import { Module } from '@nestjs/common';
import { FixedWindowRateLimiter } from '@openlgsp/auth';
import { PublicCatalogueModule } from '../public-catalogue/public-catalogue.module.js';
import { FEEDBACK_CONFIG, feedbackConfigFromEnv } from './feedback.config.js';
import { FEEDBACK_LIMITER, FeedbackController } from './feedback.controller.js';
import { FeedbackServicesHandlers } from './feedback.handlers.js';
import { FeedbackRepository, FeedbackServicesRepository } from './feedback.repository.js';
import { FeedbackService } from './feedback.service.js';

/** Public feedback and the registry of sharing services it needs (consumer OPENDATA_FEEDBACK_SERVICES). */
@Module({
  imports: [PublicCatalogueModule],
  providers: [
    { provide: FEEDBACK_CONFIG, useFactory: () => feedbackConfigFromEnv() },
    // Per process, by the hour: with N replicas an address gets up to N × the limit.
    { provide: FEEDBACK_LIMITER, useFactory: () => new FixedWindowRateLimiter(3_600_000) },
    FeedbackRepository,
    FeedbackServicesRepository,
    FeedbackService,
  ],
  controllers: [FeedbackServicesHandlers, FeedbackController],
  // The portal's feedback form applies the API's limiter and config: one rule for both.
  exports: [FeedbackService, FEEDBACK_LIMITER, FEEDBACK_CONFIG],
})
export class FeedbackModule {}
