import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { startEngines, type Engines } from '@openlgsp/testing';

const modules = {
  catalogue: async () => (await import('@openlgsp/catalogue-service')).AppModule,
  sharing: async () => (await import('@openlgsp/sharing-service')).AppModule,
  audit: async () => (await import('@openlgsp/audit-service')).AppModule,
};
export type ServiceName = keyof typeof modules;

/** Real engines, shared by the services named, each started in this process (in the order given). */
export async function startPlatform<S extends ServiceName>(
  names: S[],
  env: Partial<Record<S, Record<string, string>>> = {},
): Promise<{ engines: Engines; services: Record<S, ServiceUnderTest>; stop(): Promise<void> }> {
  const engines = await startEngines();
  const services = {} as Record<S, ServiceUnderTest>;
  for (const name of names)
    services[name] = await startService({
      service: name,
      appModule: modules[name],
      engines,
      ...(env[name] ? { env: env[name] } : {}),
    });
  return {
    engines,
    services,
    async stop() {
      for (const name of [...names].reverse()) await services[name].stop();
      await engines.stop();
    },
  };
}
