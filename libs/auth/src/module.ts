import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyStore } from './api-keys.js';
import type { AuthConfig } from './config.js';
import { AuthGuard, GUARD_LIMITS, type GuardLimits } from './guard.js';
import { FixedWindowRateLimiter, RATE_LIMITER } from './rate-limit.js';
import { TokenVerifier } from './token-verifier.js';

export const AUTH_CONFIG = 'AUTH_CONFIG';

/**
 * Global auth: every HTTP route needs a token or an API key unless marked @Public().
 * To observe refusals, provide AUTH_REFUSAL_LISTENER from a global module.
 */
@Module({})
export class AuthModule {
  /**
   * `limiter`: where the rate-limit counters live (default: in this process); a service with replicas
   * passes a shared one (libs/http SharedRateLimiter), with the modules its factory needs.
   */
  static forRoot(
    config: AuthConfig,
    options: {
      limiter?: Omit<FactoryProvider, 'provide'> & Pick<ModuleMetadata, 'imports'>;
      limits?: GuardLimits;
    } = {},
  ): DynamicModule {
    const { imports, ...limiter } = options.limiter ?? { useFactory: () => new FixedWindowRateLimiter() };
    return {
      module: AuthModule,
      global: true,
      imports: imports ?? [],
      providers: [
        { provide: RATE_LIMITER, ...limiter },
        ...(options.limits ? [{ provide: GUARD_LIMITS, useValue: options.limits }] : []),
        { provide: AUTH_CONFIG, useValue: config },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config) },
        { provide: ApiKeyStore, useFactory: () => new ApiKeyStore(config.apiKeys ?? []) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_CONFIG, TokenVerifier, ApiKeyStore],
    };
  }
}
