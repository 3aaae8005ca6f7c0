import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyStore } from './api-keys.js';
import type { AuthConfig } from './config.js';
import { AuthGuard } from './guard.js';
import { FixedWindowRateLimiter } from './rate-limit.js';
import { TokenVerifier } from './token-verifier.js';

export const AUTH_CONFIG = 'AUTH_CONFIG';

/**
 * Global auth: every HTTP route needs a token or an API key unless marked @Public().
 * To observe refusals, provide AUTH_REFUSAL_LISTENER from a global module.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config) },
        { provide: ApiKeyStore, useFactory: () => new ApiKeyStore(config.apiKeys ?? []) },
        { provide: FixedWindowRateLimiter, useFactory: () => new FixedWindowRateLimiter() },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_CONFIG, TokenVerifier, ApiKeyStore],
    };
  }
}
