import { validateEventData, type Fact } from '@openlgsp/contracts';
import { fail, ok, type Actor, type Result } from '@openlgsp/domain';
import { actsAsOwnerOf, forbidden, isDic, isEditor } from '../common/actor.js';
import type {
  AgencyView,
  CatalogueEntryView,
  CatalogueServiceView,
} from '../catalogue-view/catalogue-view.model.js';
import { checkDistributions } from '../distributions/distribution.rules.js';
import type { Licence } from '../vocabularies/licences.js';
import type {
  DatasetContent,
  DatasetState,
  DatasetVersion,
  PortalLinks,
  RetractionCause,
} from './dataset.model.js';
import { nextUpdateDue } from './freshness.rules.js';
import { checkMetadata, normaliseText, type Problem } from './metadata.rules.js';

export interface DatasetChange {
  next: DatasetState;
  facts: Fact[];
  /** A new immutable version, to be kept beside the dataset (publish only). */
  version?: DatasetVersion;
}

/** What a publication check needs beyond the dataset: the catalogue view and the portal's settings. */
export interface PublicationContext {
  publisher: AgencyView;
  service(id: string): CatalogueServiceView | undefined;
  licences: readonly Licence[];
  defaultLicence: string;
  links: PortalLinks;
}

const OPEN_DATA = '000 Điều 9.2';
const REVIEW = '003 Điều 7';
/** The contracts' nonEmptyText bound. */
const MAX_TEXT = 4000;
const MAX_REASONS = 20;

/**
 * A catalogue entry may be published as open data while it is listed and its owner marked it open
 * (000 Điều 9.2: the owner decides what is open).
 */
export function checkPublishable(entry: CatalogueEntryView): Result<CatalogueEntryView> {
  if (entry.status !== 'listed')
    return fail('conflict', 'entry-withdrawn', `the catalogue entry ${entry.name} is withdrawn`, {
      source: OPEN_DATA,
    });
  if (!entry.open)
    return fail('conflict', 'entry-not-open', `the catalogue entry ${entry.name} is not marked open`, {
      source: OPEN_DATA,
    });
  return ok(entry);
}

/** The owning agency's provider or integrator drafts a dataset for one of its open entries. */
export function createDraft(
  id: string,
  entry: CatalogueEntryView,
  content: DatasetContent,
  by: Actor,
  now: Date,
): Result<DatasetChange> {
  if (!actsAsOwnerOf(by, entry.ownerAgency))
    return forbidden(
      'not-owner',
      `only ${entry.ownerAgency} publishes the open data of its entries`,
      OPEN_DATA,
    );
  const publishable = checkPublishable(entry);
  if (!publishable.ok) return publishable;
  const next: DatasetState = {
    _id: id,
    revision: 1,
    entryId: entry._id,
    ownerAgency: entry.ownerAgency,
    status: 'draft',
    draft: normaliseText(content),
    latestVersion: 0,
    current: null,
    submittedAt: null,
    returned: null,
    retraction: null,
    nextUpdateDue: null,
    firstPublishedAt: null,
    lastReviewedAt: null,
    createdBy: by.sub,
    createdAt: now,
    updatedAt: now,
  };
  // Drafts are the agency's and the editors' business: the public change feed learns of publications only.
  return ok({ next, facts: [] });
}

/** The owner edits the working copy; a published dataset stays public as it was until the change is published. */
export function edit(
  dataset: DatasetState,
  content: DatasetContent,
  by: Actor,
  now: Date,
): Result<DatasetChange> {
  if (!actsAsOwnerOf(by, dataset.ownerAgency))
    return forbidden('not-owner', `only ${dataset.ownerAgency} edits its datasets`, OPEN_DATA);
  if (dataset.status === 'retracted')
    return fail('conflict', 'retracted', 'a retracted dataset is not edited');
  if (dataset.status === 'submitted')
    return fail(
      'conflict',
      'under-review',
      'the dataset is under review; wait for the editor to publish or return it',
    );
  return ok({
    next: { ...dataset, status: 'draft', draft: normaliseText(content), updatedAt: now },
    facts: [],
  });
}

/** Every problem that keeps the working copy from being published (004 Điều 8.1), each with where it is. */
export function publicationProblems(
  dataset: DatasetState,
  ctx: PublicationContext,
  now: Date,
  by = 'check',
): { problems: Problem[]; version?: DatasetVersion } {
  const meta = checkMetadata(dataset.draft.metadata, ctx);
  const problems: Problem[] = meta.ok ? [] : meta.problems.map((p) => ({ ...p, path: `/metadata${p.path}` }));
  const number = dataset.latestVersion + 1;
  const dists = checkDistributions(dataset.draft.distributions, {
    datasetId: dataset._id,
    ownerAgency: dataset.ownerAgency,
    version: number,
    datasetTitle: {
      vi: dataset.draft.metadata.title?.vi ?? '',
      en: dataset.draft.metadata.title?.en ?? '',
    },
    service: ctx.service,
    links: ctx.links,
  });
  if (!dists.ok) problems.push(...dists.problems);
  if (!meta.ok || !dists.ok) return { problems };
  const version: DatasetVersion = {
    datasetId: dataset._id,
    entryId: dataset.entryId,
    ownerAgency: dataset.ownerAgency,
    version: number,
    publishedAt: now,
    publishedBy: by,
    metadata: meta.metadata,
    distributions: dists.distributions,
    objectKeys: dists.objectKeys,
  };
  // The contract is the last word on every field's shape: nothing accepted here can break the event.
  const conforms = validateEventData('vn.openlgsp.opendata.dataset.published.v1', versionData(version));
  if (!conforms.ok)
    return { problems: conforms.errors.map((e) => ({ path: e.path, code: 'contract', message: e.message })) };
  if (dataset.current && changes(dataset.current, version).length === 0)
    return {
      problems: [
        { path: '', code: 'unchanged', message: `nothing changed since version ${dataset.latestVersion}` },
      ],
    };
  return { problems, version };
}

function problemsViolation<T>(problems: Problem[]): Result<T> {
  const listed = problems
    .slice(0, 20)
    .map((p) => `${p.path || '/'}: ${p.message}`)
    .join('; ');
  const more = problems.length > 20 ? ` (and ${problems.length - 20} more)` : '';
  return fail(
    'invalid',
    'not-publishable',
    `${problems.length} problem(s) before publication: ${listed}${more}`,
    {
      path: problems[0]!.path,
      source: '004 Điều 8.1',
    },
  );
}

/** The owner submits the working copy for review, once it passes the check before publication. */
export function submit(
  dataset: DatasetState,
  entry: CatalogueEntryView,
  ctx: PublicationContext,
  by: Actor,
  now: Date,
): Result<DatasetChange> {
  if (!actsAsOwnerOf(by, dataset.ownerAgency))
    return forbidden('not-owner', `only ${dataset.ownerAgency} submits its datasets`, OPEN_DATA);
  if (dataset.status !== 'draft' && dataset.status !== 'returned')
    return fail('conflict', 'not-draft', `a ${dataset.status} dataset is not submitted; edit it first`);
  const publishable = checkPublishable(entry);
  if (!publishable.ok) return publishable;
  const { problems } = publicationProblems(dataset, ctx, now);
  if (problems.length) return problemsViolation(problems);
  return ok({ next: { ...dataset, status: 'submitted', submittedAt: now, updatedAt: now }, facts: [] });
}

/** An editor sends the submission back to the agency, with reasons (003 Điều 7). */
export function returnToAgency(
  dataset: DatasetState,
  reasons: readonly string[],
  by: Actor,
  now: Date,
): Result<DatasetChange> {
  if (!isEditor(by)) return forbidden('not-editor', "only the portal's editors review open data", REVIEW);
  if (dataset.status !== 'submitted')
    return fail('conflict', 'not-submitted', `a ${dataset.status} dataset is not under review`);
  const given = reasons.map((r) => r.normalize('NFC').trim()).filter(Boolean);
  if (!given.length)
    return fail('invalid', 'reasons-required', 'a return states its reasons', {
      path: '/reasons',
      source: REVIEW,
    });
  if (given.length > MAX_REASONS || given.some((r) => r.length > MAX_TEXT))
    return fail(
      'invalid',
      'reasons-too-long',
      `at most ${MAX_REASONS} reasons of ${MAX_TEXT} characters each`,
      {
        path: '/reasons',
      },
    );
  return ok({
    next: {
      ...dataset,
      status: 'returned',
      returned: { reasons: given, by: by.sub, at: now },
      updatedAt: now,
    },
    facts: [],
  });
}

/**
 * An editor publishes the submission as the next immutable version (003 Điều 7; 000 Điều 9.1:
 * open data is published on the provincial portal). The entry must still be open and
 * the check must still pass: the catalogue or a service may have changed since the submission.
 */
export function publish(
  dataset: DatasetState,
  entry: CatalogueEntryView,
  ctx: PublicationContext,
  by: Actor,
  now: Date,
): Result<DatasetChange> {
  if (!isEditor(by)) return forbidden('not-editor', "only the portal's editors publish open data", REVIEW);
  if (dataset.status !== 'submitted')
    return fail('conflict', 'not-submitted', `a ${dataset.status} dataset is not under review`);
  const publishable = checkPublishable(entry);
  if (!publishable.ok) return publishable;
  const { problems, version } = publicationProblems(dataset, ctx, now, by.sub);
  if (!version) return problemsViolation(problems);
  const previous = dataset.current;
  const next: DatasetState = {
    ...dataset,
    status: 'published',
    latestVersion: version.version,
    current: version,
    returned: null,
    nextUpdateDue: nextUpdateDue(now, version.metadata.accrualPeriodicity),
    firstPublishedAt: dataset.firstPublishedAt ?? now,
    updatedAt: now,
  };
  const fact: Fact = previous
    ? {
        type: 'vn.openlgsp.opendata.dataset.updated.v1',
        data: { ...versionData(version), changes: changes(previous, version) },
      }
    : { type: 'vn.openlgsp.opendata.dataset.published.v1', data: versionData(version) };
  return ok({ next, facts: [fact], version });
}

/** The owner or DIC retracts a public dataset, with a reason; it stays listed as retracted. */
export function retract(dataset: DatasetState, reason: string, by: Actor, now: Date): Result<DatasetChange> {
  const cause: RetractionCause | null = actsAsOwnerOf(by, dataset.ownerAgency)
    ? 'owner'
    : isDic(by)
      ? 'dic'
      : null;
  if (!cause)
    return forbidden('not-owner', `only ${dataset.ownerAgency} or DIC retracts this dataset`, OPEN_DATA);
  if (!reason.trim())
    return fail('invalid', 'reason-required', 'a retraction states its reason', { path: '/reason' });
  if (reason.trim().length > MAX_TEXT)
    return fail('invalid', 'reason-too-long', `a reason has at most ${MAX_TEXT} characters`, {
      path: '/reason',
    });
  if (dataset.status === 'retracted')
    return fail('conflict', 'retracted', 'the dataset is already retracted');
  if (dataset.latestVersion === 0)
    return fail('conflict', 'never-published', 'a dataset never published has nothing to retract');
  return ok(retracted(dataset, cause, reason.normalize('NFC').trim(), by.sub, now));
}

/**
 * The catalogue withdrew the entry (004 Điều 4.2): its datasets are retracted with that cause, the
 * catalogue's reason quoted. A draft never published just closes, silently. Applying it twice changes
 * nothing, so a redelivered withdrawal is harmless.
 */
export function retractForWithdrawnEntry(dataset: DatasetState, reason: string, now: Date): DatasetChange {
  if (dataset.status === 'retracted') return { next: dataset, facts: [] };
  // The cause says what happened; the reason is the catalogue's own, quoted as given.
  const why = reason.trim() || 'the catalogue entry was withdrawn';
  if (dataset.latestVersion === 0)
    return {
      next: {
        ...dataset,
        status: 'retracted',
        retraction: { cause: 'entry-withdrawn', reason: why, by: 'platform', at: now },
        updatedAt: now,
      },
      facts: [],
    };
  return retracted(dataset, 'entry-withdrawn', why, 'platform', now);
}

function retracted(
  dataset: DatasetState,
  cause: RetractionCause,
  reason: string,
  by: string,
  now: Date,
): DatasetChange {
  const next: DatasetState = {
    ...dataset,
    status: 'retracted',
    retraction: { cause, reason, by, at: now },
    nextUpdateDue: null,
    updatedAt: now,
  };
  return {
    next,
    facts: [
      {
        type: 'vn.openlgsp.opendata.dataset.retracted.v1',
        data: {
          datasetId: dataset._id,
          entryId: dataset.entryId,
          ownerAgency: dataset.ownerAgency,
          version: dataset.latestVersion,
          cause,
          reason: reason.slice(0, 4000),
          retractedAt: now.toISOString(),
        },
      },
    ],
  };
}

/** A version as the change feed carries it (no object-store keys: they are the platform's business). */
export function versionData(v: DatasetVersion) {
  return {
    datasetId: v.datasetId,
    entryId: v.entryId,
    ownerAgency: v.ownerAgency,
    version: v.version,
    publishedAt: v.publishedAt.toISOString(),
    metadata: v.metadata,
    distributions: v.distributions,
  };
}

/** What differs between two versions, as JSON pointers (/metadata/<property>, /distributions). */
export function changes(before: DatasetVersion, after: DatasetVersion): string[] {
  const keys = new Set([...Object.keys(before.metadata), ...Object.keys(after.metadata)]);
  const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
  const changed = [...keys]
    .filter(
      (k) =>
        !same(
          before.metadata[k as keyof typeof before.metadata],
          after.metadata[k as keyof typeof after.metadata],
        ),
    )
    .sort()
    .map((k) => `/metadata/${k}`);
  // Download links name the version, so compare distributions without them.
  const strip = (v: DatasetVersion) => v.distributions.map(({ downloadURL: _d, ...rest }) => rest);
  if (!same(strip(before), strip(after)) || !same(before.objectKeys, after.objectKeys))
    changed.push('/distributions');
  return changed;
}

/** JSON with object keys sorted, so two equal values compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
