import {
  Inject,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { PortalController } from './portal.controller.js';
import { PORTAL_READ_MODEL } from './portal.read-model.js';
import { PORTAL_SETTINGS, type PortalSettings } from './portal.settings.js';

type ProviderRecipe<T> =
  | { useClass: new (...args: never[]) => T }
  | { useExisting: unknown }
  | { useFactory: (...args: never[]) => T | Promise<T>; inject?: unknown[] };

export interface PortalModuleOptions {
  /** The modules whose providers the read model needs (the public catalogue, feedback). */
  imports?: ModuleMetadata['imports'];
  /** How PORTAL_READ_MODEL is made: the adapter over PublicCatalogueService and the feedback use case. */
  readModel: ProviderRecipe<unknown>;
  /** The settings, or how to read them when the module starts (from the environment, say). */
  settings: PortalSettings | { useFactory: () => PortalSettings };
}

/** The largest feedback form the portal reads: the text's 4,000 characters, escaped, and contacts. */
const FORM_BODY_LIMIT = 64 * 1024;

/** The portal pages (see PORTAL.md). */
@Module({})
export class PortalModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  static register(options: PortalModuleOptions): DynamicModule {
    return {
      module: PortalModule,
      imports: options.imports ?? [],
      controllers: [PortalController],
      providers: [
        { provide: PORTAL_READ_MODEL, ...options.readModel } as Provider,
        'useFactory' in options.settings
          ? { provide: PORTAL_SETTINGS, useFactory: options.settings.useFactory }
          : { provide: PORTAL_SETTINGS, useValue: options.settings },
      ],
    };
  }

  /**
   * A plain HTML form posts application/x-www-form-urlencoded, which Fastify does not parse by
   * itself; the fields become a flat object of strings (repeated names keep the first).
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => {
        const fields: Record<string, string> = {};
        for (const [name, value] of new URLSearchParams(body as string))
          if (!Object.hasOwn(fields, name)) fields[name] = value;
        done(null, fields);
      },
    );
  }
}
