import type { JetStreamClient } from '@nats-io/jetstream';
import type { LgspEvent } from '@openlgsp/events';

/*
 * @openlgsp/testing depends on this package (through @openlgsp/http), so these tests load it at run
 * time through a specifier TypeScript and the Nx lint rule do not follow: a static import would make
 * a build cycle (a clean build of persistence would need the harness's dist, which needs
 * persistence). The few parts used here are typed below; the harness is built before `npm test` runs.
 */

export interface Engines {
  readonly natsUrl: string;
  readonly mongoUrl: string;
  stop(): Promise<void>;
}

export interface Harness {
  startEngines(opts?: { nats?: boolean; mongo?: boolean }): Promise<Engines>;
  readStream(js: JetStreamClient, stream: string): Promise<(LgspEvent & { natsSubject: string })[]>;
}

async function load<T>(specifier: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    throw new Error(`cannot load ${specifier}; is it built? (npx tsc -b libs/testing)`, { cause: err });
  }
}

export const loadHarness = () => load<Harness>('@openlgsp/testing');
