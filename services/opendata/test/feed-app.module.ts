import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { FeedModule } from '../src/feed/feed.module.js';
import { WebhooksModule } from '../src/webhooks/webhooks.module.js';

/** The feed's modules on the platform, as the service's AppModule will compose them. */
@Module({
  imports: [PlatformModule.forService('opendata', { consumers: [] }), FeedModule, WebhooksModule],
})
export class FeedAppModule {}
