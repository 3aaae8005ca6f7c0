import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { startEngines, type Engines } from '@openlgsp/testing';

const modules = {
  catalogue: async () => (await import('@openlgsp/catalogue-service')).AppModule,
  sharing: async () => (await import('@openlgsp/sharing-service')).AppModule,
  opendata: async () => (await import('@openlgsp/opendata-service')).AppModule,
  audit: async () => (await import('@openlgsp/audit-service')).AppModule,
  incidents: async () => (await import('@openlgsp/incidents-service')).AppModule,
};
export type ServiceName = keyof typeof modules;

/**
 * The audit service's files under `dir` (its data and archives), with its timers off: the suites
 * checkpoint and archive by hand, when they mean to.
 */
export function auditFilesIn(dir: string): Record<string, string> {
  return {
    LGSP_DATA: dir,
    AUDIT_ARCHIVE_DIR: join(dir, 'archive'),
    AUDIT_CHECKPOINT_INTERVAL_MS: '0',
    AUDIT_ARCHIVE_INTERVAL_MS: '0',
  };
}

/**
 * Real engines, shared by the services named, each started in this process (in the order given),
 * exporting their spans to the suite's trace backend (preload.ts).
 */
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

/**
 * A proposal of STNMT's (a new entry, or a change to `entryId`) → DIC compiles → the Committee approves,
 * the decision in the trace `traceparent` if given: the entry's id.
 */
export async function decideProposal(
  catalogue: ServiceUnderTest,
  body: Record<string, unknown>,
  entryId?: string,
  traceparent?: string,
): Promise<string> {
  const path = entryId ? `/catalogue/entries/${entryId}/proposals` : '/catalogue/entries/proposals';
  const proposed = await catalogue.request('POST', path, {
    token: await catalogue.token('STNMT', ['provider']),
    body,
  });
  assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
  const id = entryId ?? proposed.body.entryId;
  const step = `/catalogue/entries/${id}/proposals/${proposed.body.proposalId}`;
  const compiled = await catalogue.request('POST', `${step}/compilation`, {
    token: await catalogue.token('STTTT', ['dic']),
    body: { note: 'đủ hồ sơ' },
  });
  assert.equal(compiled.status, 204, JSON.stringify(compiled.body));
  const decided = await catalogue.request('POST', `${step}/decision`, {
    token: await catalogue.token('UBND', ['committee']),
    body: { outcome: 'approved', decisionRef: '12/QĐ-UBND' },
    ...(traceparent ? { headers: { traceparent } } : {}),
  });
  assert.equal(decided.status, 204, JSON.stringify(decided.body));
  return id as string;
}
