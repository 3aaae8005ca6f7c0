import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEvent, type LgspEvent } from '@openlgsp/events';

/** Test data for the feed and webhooks: events built from the contracts' own examples. */
export type ChangeKind = 'published' | 'updated' | 'retracted';

function contractsRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'contracts', 'examples'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('contracts/examples not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, 'contracts');
}

const examples = new Map<ChangeKind, Record<string, unknown>>();
function exampleData(kind: ChangeKind): Record<string, unknown> {
  let data = examples.get(kind);
  if (!data) {
    const file = join(contractsRoot(), 'examples', 'opendata', `dataset.${kind}.v1.json`);
    data = (JSON.parse(readFileSync(file, 'utf8')) as { data: Record<string, unknown> }).data;
    examples.set(kind, data);
  }
  return structuredClone(data);
}

/** A contract-valid dataset change; `datasetId`, `ownerAgency` and `themes` can be chosen. */
export function datasetChange(
  kind: ChangeKind,
  facts: { datasetId?: string; ownerAgency?: string; themes?: string[]; title?: string } = {},
): LgspEvent {
  const data = exampleData(kind);
  if (facts.datasetId) data.datasetId = facts.datasetId;
  if (facts.ownerAgency) data.ownerAgency = facts.ownerAgency;
  const metadata = data.metadata as { themes?: string[]; title?: { vi: string; en: string } } | undefined;
  if (metadata && facts.themes) metadata.themes = facts.themes;
  if (metadata?.title && facts.title) metadata.title = { vi: facts.title, en: facts.title };
  return createEvent(`vn.openlgsp.opendata.dataset.${kind}.v1`, data, {
    source: '/openlgsp/opendata',
    subject: String(data.datasetId),
    agency: String(data.ownerAgency),
    dataschema: `https://contracts.openlgsp.vn/events/opendata/dataset.${kind}.v1.json`,
  });
}
