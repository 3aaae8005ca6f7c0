import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import { Public } from '@openlgsp/auth';
import { NATS_CONNECTION } from '@openlgsp/events';
import { MONGO_CONNECTION, pingStore } from '@openlgsp/persistence';
import { packageVersionOf } from '@openlgsp/telemetry';

/** The running service's version (its package.json), shown to operators beside its readiness. */
const VERSION = (process.argv[1] && packageVersionOf(process.argv[1])) || 'unknown';

/** Liveness says the process runs; readiness says its engines answer now. */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Optional() @Inject(NATS_CONNECTION) private readonly nats?: NatsConnection,
    @Optional() @Inject(MONGO_CONNECTION) private readonly mongo?: Connection,
  ) {}

  @Get('live')
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready() {
    const checks: Record<string, string> = {};
    if (this.nats) {
      try {
        await this.nats.flush();
        checks.nats = 'up';
      } catch {
        checks.nats = 'down';
      }
    }
    if (this.mongo) {
      try {
        await pingStore(this.mongo);
        checks.store = 'up';
      } catch {
        checks.store = 'down';
      }
    }
    const down = Object.entries(checks).filter(([, s]) => s !== 'up');
    if (down.length)
      throw new ServiceUnavailableException(`not ready: ${down.map(([n]) => n).join(', ')} down`);
    return { status: 'up', version: VERSION, checks };
  }
}
