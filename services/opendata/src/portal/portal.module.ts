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
import { acceptHtmlForms } from '@openlgsp/http';
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

  /** The feedback form posts application/x-www-form-urlencoded. */
  onModuleInit(): void {
    acceptHtmlForms(this.adapterHost.httpAdapter?.getInstance<FastifyInstance>(), FORM_BODY_LIMIT);
  }
}
