import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  AUTH_REFUSAL_LISTENER,
  AuthModule,
  authConfigFromEnv,
  type RefusalEvent,
  type RefusalListener,
} from '@openlgsp/auth';
import { EventsModule, eventsOptionsFromEnv, type ConsumerSpec } from '@openlgsp/events';
import { PersistenceModule, mongoOptionsFromEnv } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import { AccessReporter } from './access.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.js';
import { HttpIntake } from './intake.js';
import { ProblemFilter, SERVICE_NAME } from './problem.filter.js';

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
    return {
      module: PlatformModule,
      imports: [
        AuthModule.forRoot(authConfigFromEnv()),
        PersistenceModule.forRoot(() => mongoOptionsFromEnv(service)),
        EventsModule.forRoot(() => ({
          ...eventsOptionsFromEnv(service),
          ...(process.env.OUTBOX_SWEEP_MS ? { sweepIntervalMs: Number(process.env.OUTBOX_SWEEP_MS) } : {}),
          consumers: options.consumers ?? [],
        })),
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
