import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';

/** The catalogue on fresh engines, as its integration tests talk to it. */
export function startCatalogue(): Promise<ServiceUnderTest> {
  return startService({
    service: 'catalogue',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
  });
}
