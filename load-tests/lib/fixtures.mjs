// The domain data the benchmarks use, taken from the contracts' examples (what integrators read), so the
// load tests depend on no service's tests. Import it after startTelemetry(), like ./run.mjs.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { contractFor } from '@openlgsp/contracts';
import { EventPublisher, createEvent } from '@openlgsp/events';

const examples = new URL('../../contracts/examples/', import.meta.url);

/** The `data` of `contracts/examples/<context>/<name>.v1.json`. */
export function exampleData(context, name) {
  return JSON.parse(readFileSync(new URL(`${context}/${name}.v1.json`, examples), 'utf8')).data;
}

/** A catalogue entry's content: the land database of entry.listed's example, owned by `owner`. */
export function entryContent(owner, overrides = {}) {
  return { ...exampleData('catalogue', 'entry.listed').content, ownerAgency: owner, ...overrides };
}

/** What a provider proposes for the catalogue: that content, declared free of state secrets. */
export const proposedContent = (owner) => ({ ...entryContent(owner), containsStateSecrets: false });

/** Publishes a catalogue fact on the CATALOGUE stream, as the catalogue service does (contract-checked). */
function publishCatalogueFact(js, type, data, subject, agency) {
  const origin = { source: '/openlgsp/catalogue', subject, dataschema: contractFor(type).schemaId };
  return new EventPublisher(js, 'catalogue').publish(
    createEvent(type, data, { ...origin, agency, actor: 'load-tests' }),
  );
}

/**
 * An entry of `owner` listed in the catalogue, shared on request, and a service declared for it, as the
 * sharing service hears them (no catalogue service needed): their new ids.
 */
export async function listEntryWithService(js, owner) {
  const entryId = randomUUID();
  const serviceId = randomUUID();
  await publishCatalogueFact(
    js,
    'vn.openlgsp.catalogue.entry.listed.v1',
    { entryId, version: 1, content: entryContent(owner, { sharingMode: 'request' }) },
    entryId,
    'UBND',
  );
  await publishCatalogueFact(
    js,
    'vn.openlgsp.catalogue.service.declared.v1',
    { ...exampleData('catalogue', 'service.declared'), serviceId, entryId, providerAgency: owner },
    serviceId,
    owner,
  );
  return { entryId, serviceId };
}
