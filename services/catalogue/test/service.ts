import { startService, type ManualClock, type ServiceUnderTest } from '@openlgsp/http/testing';

/** The catalogue on fresh engines, as its integration tests talk to it (on `clock`, when given). */
export function startCatalogue(
  clock?: ManualClock,
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  return startService({
    service: 'catalogue',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    ...(clock ? { clock } : {}),
    env,
  });
}
