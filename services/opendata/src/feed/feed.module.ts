import { Module } from '@nestjs/common';
import { FEED_CONFIG, feedConfigFromEnv } from './feed.config.js';
import { FeedController } from './feed.controller.js';
import { FeedService } from './feed.service.js';

/** The public change feed: `GET /opendata/feed` (SSE) and `GET /opendata/feed.atom`. */
@Module({
  controllers: [FeedController],
  providers: [{ provide: FEED_CONFIG, useFactory: () => feedConfigFromEnv() }, FeedService],
  exports: [FeedService],
})
export class FeedModule {}
