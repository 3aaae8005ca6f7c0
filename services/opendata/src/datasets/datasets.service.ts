import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { fail, NotFoundError, ok, RuleViolationError, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { ConflictError } from '@openlgsp/persistence';
import { hasRole, seesEverything } from '@openlgsp/auth';
import type { DatasetCreateCommand, DatasetEditCommand, DatasetLink } from '@openlgsp/contracts';
import { checkUrl, safeFetch, SsrfRefusedError, type OutboundOptions } from '@openlgsp/net';
import { CatalogueViewRepository } from '../catalogue-view/catalogue-view.repository.js';
import type { CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import { actsAsOwnerOf, forbidden, isEditor } from '../common/actor.js';
import { OPENDATA_CONFIG, OUTBOUND, type OpendataConfig } from '../config.js';
import type {
  AccessCheck,
  DatasetContent,
  DatasetState,
  DistributionDraft,
  DraftMetadata,
} from './dataset.model.js';
import {
  createDraft,
  edit,
  publicationProblems,
  publish,
  retract,
  retractForWithdrawnEntry,
  returnToAgency,
  submit,
  type DatasetChange,
  type PublicationContext,
} from './dataset.rules.js';
import { recordReview } from './freshness.rules.js';
import { DatasetsRepository, DatasetVersionsRepository } from './datasets.repository.js';

const OPEN_DATA = '000 Điều 9.2';

export type DatasetStatusFilter = DatasetState['status'];

/** Who reads a dataset's working copy: its agency, the editors, DIC and auditors. */
export function readsDataset(by: Actor, dataset: Pick<DatasetState, 'ownerAgency'>): boolean {
  return by.agency === dataset.ownerAgency || isEditor(by) || seesEverything(by);
}

/** Open datasets as their agencies draft them and the portal's editors publish them (DOMAIN.md §3). */
@Injectable()
export class DatasetsService {
  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly versions: DatasetVersionsRepository,
    private readonly view: CatalogueViewRepository,
    @Inject(OPENDATA_CONFIG) private readonly config: OpendataConfig,
    @Inject(OUTBOUND) private readonly outbound: OutboundOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(body: DatasetCreateCommand, by: Actor) {
    const entry = await this.view.requireEntry(body.entryId);
    const id = uuidv7();
    // Who may draft for this entry is settled before any address is looked up (no probing by strangers).
    unwrap(createDraft(id, entry, { metadata: {}, distributions: [] }, by, this.clock()));
    const content: DatasetContent = {
      metadata: (body.metadata ?? {}) as DraftMetadata,
      distributions: await this.links(body.links ?? [], []),
    };
    const change = unwrap(createDraft(id, entry, content, by, this.clock()));
    // The entry lists its datasets first: a withdrawal finds them by the entry's `_id`; a dangling id
    // (the insert below failed) is skipped there.
    await this.view.addDataset(entry._id, id);
    await this.datasets.create(change, by);
    return { datasetId: id, status: change.next.status };
  }

  async edit(id: string, body: DatasetEditCommand, by: Actor) {
    const current = await this.mayEdit(id, by);
    const files = current.draft.distributions.filter((d) => d.kind === 'file');
    const links = await this.links(body.links ?? [], current.draft.distributions);
    const content: DatasetContent = {
      metadata: body.metadata as DraftMetadata,
      distributions: [...files, ...links],
    };
    const { saved } = await this.datasets.change(id, by, (d) => edit(d, content, by, this.clock()));
    return saved;
  }

  /** Replaces the working copy's distributions with `next` (uploads and removals of files). */
  async setDistributions(id: string, by: Actor, next: (current: DistributionDraft[]) => DistributionDraft[]) {
    const { saved } = await this.datasets.change(id, by, (d) =>
      edit(d, { ...d.draft, distributions: next(d.draft.distributions) }, by, this.clock()),
    );
    return saved;
  }

  /** Whether `by` may change the working copy now (checked before an upload is read at all). */
  async mayEdit(id: string, by: Actor): Promise<DatasetState> {
    const dataset = await this.datasets.get(id);
    unwrap(edit(dataset, dataset.draft, by, this.clock()));
    return dataset;
  }

  async submit(id: string, by: Actor) {
    const dataset = await this.datasets.get(id);
    if (!actsAsOwnerOf(by, dataset.ownerAgency))
      unwrap(forbidden('not-owner', `only ${dataset.ownerAgency} submits its datasets`, OPEN_DATA));
    const entry = await this.view.requireEntry(dataset.entryId);
    const ctx = await this.context(dataset);
    // Reachability is the editor's information, not a refusal: a site may be down for an hour.
    const accessChecks = await this.reach(dataset);
    const { saved } = await this.datasets.change(id, by, (d) => {
      const result = submit(d, entry, ctx, by, this.clock());
      return result.ok ? ok({ ...result.value, next: { ...result.value.next, accessChecks } }) : result;
    });
    return { status: saved.status, accessChecks };
  }

  /** The check before publication, as the owner or an editor sees it now, without changing anything. */
  async check(id: string, by: Actor) {
    const dataset = await this.read(id, by);
    const { problems } = publicationProblems(dataset, await this.context(dataset), this.clock());
    return { publishable: problems.length === 0, problems, accessChecks: dataset.accessChecks ?? [] };
  }

  async publish(id: string, by: Actor) {
    if (!isEditor(by))
      unwrap(forbidden('not-editor', "only the portal's editors publish open data", '003 Điều 7'));
    const dataset = await this.datasets.get(id);
    // The version before this one is kept first: a crash after an earlier publication's write is repaired here.
    if (dataset.current) await this.versions.keep(dataset.current);
    const entry = await this.view.requireEntry(dataset.entryId);
    const ctx = await this.context(dataset);
    const { saved, change } = await this.datasets.change(id, by, (d) =>
      publish(d, entry, ctx, by, this.clock()),
    );
    if (change.version) await this.versions.keep(change.version);
    return { status: saved.status, version: saved.latestVersion };
  }

  async returnToAgency(id: string, reasons: string[], by: Actor) {
    const { saved } = await this.datasets.change(id, by, (d) => returnToAgency(d, reasons, by, this.clock()));
    return { status: saved.status, returned: saved.returned };
  }

  async retract(id: string, reason: string, by: Actor) {
    const { saved } = await this.datasets.change(id, by, (d) => retract(d, reason, by, this.clock()));
    return { status: saved.status, retraction: saved.retraction };
  }

  /**
   * The catalogue withdrew the entry (004 Điều 4.2): each of its datasets is retracted with that cause.
   * Idempotent: a retracted dataset is left as it is, so a redelivered withdrawal changes nothing.
   */
  async retractForWithdrawnEntry(entryId: string, reason: string): Promise<number> {
    let retracted = 0;
    for (const id of await this.view.datasetsOf(entryId)) {
      for (let attempt = 0; ; attempt++) {
        try {
          const { change } = await this.datasets.change(id, undefined, (d) =>
            ok(retractForWithdrawnEntry(d, reason, this.clock())),
          );
          if (change.facts.length || change.next.retraction) retracted++;
          break;
        } catch (err) {
          if (err instanceof NotFoundError) break;
          // An owner's edit raced the withdrawal: read again and retract what is there now.
          if (err instanceof ConflictError && attempt < 5) continue;
          throw err;
        }
      }
    }
    return retracted;
  }

  /** DIC records that the six-monthly review of the open-data list covered these datasets. */
  async recordReview(ids: string[], by: Actor) {
    const reviewed: string[] = [];
    const refused: { datasetId: string; code: string; message: string }[] = [];
    for (const id of ids) {
      try {
        await this.datasets.change(id, by, (d) => {
          const result = recordReview(d, by, this.clock());
          return result.ok ? ok({ next: result.value, facts: [] } satisfies DatasetChange) : result;
        });
        reviewed.push(id);
      } catch (err) {
        if (err instanceof NotFoundError)
          refused.push({ datasetId: id, code: 'not-found', message: err.message });
        // Not DIC: the whole call is refused; a dataset not on the list is reported and the rest go on.
        else if (err instanceof RuleViolationError && err.violation.kind !== 'forbidden')
          refused.push({ datasetId: id, code: err.violation.code, message: err.violation.message });
        else throw err;
      }
    }
    return { reviewed, refused };
  }

  async read(id: string, by: Actor): Promise<DatasetState> {
    const dataset = await this.datasets.get(id);
    if (!readsDataset(by, dataset))
      unwrap(
        forbidden('not-owner', `only ${dataset.ownerAgency}, the editors and DIC read this working copy`),
      );
    return dataset;
  }

  async version(id: string, number: number, by: Actor) {
    const dataset = await this.read(id, by);
    if (number < 1 || number > dataset.latestVersion)
      throw new NotFoundError('dataset version', `${id} v${number}`);
    const version =
      (await this.versions.find(id, number)) ??
      (dataset.current?.version === number ? dataset.current : null);
    if (!version) throw new NotFoundError('dataset version', `${id} v${number}`);
    const { objectKeys: _keys, ...published } = version;
    return published;
  }

  /** Own agency's datasets; the editors' review queue (submitted) and everything for DIC and auditors. */
  list(by: Actor, status: DatasetStatusFilter | undefined, page: { limit: number; cursor?: string }) {
    const wide = isEditor(by) || seesEverything(by);
    if (!wide && !hasRole(by, 'provider', 'integrator'))
      return unwrap(forbidden('no-opendata-role', 'no role of yours reads working copies'));
    const scope = wide ? {} : { ownerAgency: by.agency };
    const wanted = status ?? (isEditor(by) && !seesEverything(by) ? 'submitted' : undefined);
    return this.datasets.page({ ...scope, ...(wanted ? { status: wanted } : {}) }, page);
  }

  /** What the publication check needs from the catalogue view and the configuration. */
  private async context(dataset: DatasetState): Promise<PublicationContext> {
    const serviceIds = dataset.draft.distributions.flatMap((d) =>
      d.kind === 'service' ? [d.serviceId] : [],
    );
    const services = new Map<string, CatalogueServiceView>(
      (await this.view.servicesByIds(serviceIds)).map((s) => [s._id, s]),
    );
    const publisher = (await this.view.agency(dataset.ownerAgency)) ?? {
      code: dataset.ownerAgency,
      name: dataset.ownerAgency,
    };
    return {
      publisher,
      service: (id) => services.get(id),
      licences: this.config.licences,
      defaultLicence: this.config.defaultLicence,
      links: this.config.links,
    };
  }

  /** Links as the draft keeps them; an address inside the platform's network is refused at once (SSRF). */
  private async links(links: DatasetLink[], current: DistributionDraft[]): Promise<DistributionDraft[]> {
    const known = new Set(current.filter((d) => d.kind !== 'file').map((d) => d.distributionId));
    const out: DistributionDraft[] = [];
    for (const [i, l] of links.entries()) {
      const at = `/links/${i}`;
      const distributionId = l.distributionId && known.has(l.distributionId) ? l.distributionId : uuidv7();
      const common = {
        distributionId,
        ...(l.title ? { title: l.title } : {}),
        ...(l.description ? { description: l.description } : {}),
        ...(l.format ? { format: l.format } : {}),
      };
      if (l.kind === 'service') {
        if (!l.serviceId)
          unwrap(
            fail('invalid', 'required', 'a service distribution names its serviceId', {
              path: `${at}/serviceId`,
            }),
          );
        out.push({ ...common, kind: 'service', serviceId: l.serviceId! });
      } else {
        if (!l.accessURL)
          unwrap(
            fail('invalid', 'required', 'a url distribution gives its accessURL', {
              path: `${at}/accessURL`,
            }),
          );
        await this.refuseInternal(l.accessURL!, `${at}/accessURL`);
        out.push({
          ...common,
          kind: 'url',
          accessURL: l.accessURL!,
          ...(l.mediaType ? { mediaType: l.mediaType } : {}),
        });
      }
    }
    return out;
  }

  private async refuseInternal(url: string, path: string): Promise<void> {
    try {
      await checkUrl(url, this.outbound);
    } catch (err) {
      if (err instanceof SsrfRefusedError)
        unwrap(
          fail('invalid', 'access-url-refused', `${url} is not a public address: ${err.reason}`, {
            path,
            source: '004 Điều 8.1',
          }),
        );
      // Unreachable now is not a reason to refuse a draft: it is checked again at submission.
    }
  }

  /** Every web address of the working copy, tried once through the SSRF guard. */
  private async reach(dataset: DatasetState): Promise<AccessCheck[]> {
    const urls = dataset.draft.distributions.flatMap((d) => (d.kind === 'url' ? [d] : []));
    return Promise.all(
      urls.map(async (d): Promise<AccessCheck> => {
        const checkedAt = this.clock();
        try {
          const answer = await safeFetch(d.accessURL, { method: 'HEAD' }, this.outbound);
          return {
            distributionId: d.distributionId,
            url: d.accessURL,
            reachable: answer.status < 400,
            status: answer.status,
            checkedAt,
          };
        } catch (err) {
          const reason =
            err instanceof SsrfRefusedError
              ? 'ssrf-refused'
              : ((err as { code?: string }).code ?? 'unreachable');
          return { distributionId: d.distributionId, url: d.accessURL, reachable: false, reason, checkedAt };
        }
      }),
    );
  }
}
