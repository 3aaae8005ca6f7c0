import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';

/** Sharing requests, decisions, disputes and grants (DOMAIN.md §2). */
@Module({
  imports: [PlatformModule.forService('sharing')],
})
export class AppModule {}
