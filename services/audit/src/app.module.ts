import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';

/** The tamper-evident audit trail (DOMAIN.md §4). */
@Module({
  imports: [PlatformModule.forService('audit')],
})
export class AppModule {}
