import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  AUTH_REFUSAL_LISTENER,
  AuthModule,
  DEFAULT_ANONYMOUS_PER_MINUTE,
  authConfigFromEnv,
  type RefusalEvent,
  type RefusalListener,
} from '@openlgsp/auth';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventsModule, NATS_CONNECTION, eventsOptionsFromEnv, type ConsumerSpec } from '@openlgsp/events';
import { PersistenceModule, mongoOptionsFromEnv } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import { AccessReporter } from './access.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.js';
import { HttpIntake } from './intake.js';
import { ProblemFilter, SERVICE_NAME } from './problem.filter.js';
import { SharedRateLimiter } from './shared-rate-limit.js';

/** Every refusal leaves a structured trace (never the credentials). */
@Injectable()
export class LoggingRefusalListener implements RefusalListener {
  private readonly logger;
  constructor(@Inject(SERVICE_NAME) service: string) {
    this.logger = createLogger(service);
  }
  onRefusal(event: RefusalEvent): void {
    this.logger.warn(
      {
        refusal: {
          status: event.status,
          reason: event.reason,
          method: event.method,
          route: event.route,
          resource: event.resource,
          sub: event.principal?.sub,
          agency: event.principal?.agency,
        },
      },
      'request refused',
    );
  }
}

/**
 * What every OpenLGSP service shares: auth, its own database, JetStream, problem+json errors, health
 * and metrics. Configuration is read from the environment when the app is created.
 */
@Global()
@Module({})
export class PlatformModule {
  /**
   * `consumers`: the service's durable JetStream consumers, each declared by the feature whose
   * `@EventPattern` handlers it feeds; every handled type must fall inside exactly one of them.
   */
  static forService(service: string, options: { consumers?: ConsumerSpec[] } = {}): DynamicModule {
    const events = EventsModule.forRoot(() => ({
      ...eventsOptionsFromEnv(service),
      ...(process.env.OUTBOX_SWEEP_MS ? { sweepIntervalMs: Number(process.env.OUTBOX_SWEEP_MS) } : {}),
      consumers: options.consumers ?? [],
    }));
    return {
      module: PlatformModule,
      imports: [
        // Rate limits are counted in NATS KV, so every replica of the service shares them.
        AuthModule.forRoot(authConfigFromEnv(), {
          limiter: {
            imports: [events],
            inject: [NATS_CONNECTION],
            useFactory: (nc: NatsConnection) =>
              new SharedRateLimiter(nc, service, { replicas: Number(process.env.STREAM_REPLICAS ?? 1) }),
          },
          limits: { anonymousPerMinute: anonymousPerMinuteFromEnv() },
        }),
        PersistenceModule.forRoot(() => mongoOptionsFromEnv(service)),
        events,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: AUTH_REFUSAL_LISTENER, useClass: LoggingRefusalListener },
        HttpIntake,
        AccessReporter,
      ],
      exports: [AUTH_REFUSAL_LISTENER, HttpIntake, SERVICE_NAME, AccessReporter],
    };
  }
}

/** RATE_LIMIT_ANONYMOUS_PER_MINUTE: requests per minute one address may make without valid credentials. */
function anonymousPerMinuteFromEnv(env = process.env): number {
  const raw = env.RATE_LIMIT_ANONYMOUS_PER_MINUTE;
  if (raw === undefined || raw === '') return DEFAULT_ANONYMOUS_PER_MINUTE;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error('RATE_LIMIT_ANONYMOUS_PER_MINUTE must be a whole number of requests, at least 1');
  return value;
}
