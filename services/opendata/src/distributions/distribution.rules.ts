import type { DatasetDistribution, DatasetText } from '@openlgsp/contracts';
import type { CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import type { DistributionDraft, PortalLinks } from '../datasets/dataset.model.js';
import type { Problem } from '../datasets/metadata.rules.js';
import { formatByCode } from '../vocabularies/formats.js';

export interface DistributionContext {
  datasetId: string;
  ownerAgency: string;
  /** The version these distributions will be published in. */
  version: number;
  /** The dataset's title, which names a distribution that has none. */
  datasetTitle: DatasetText;
  /** The sharing services of the registry, from the catalogue's events. */
  service(id: string): CatalogueServiceView | undefined;
  links: PortalLinks;
}

export type DistributionCheck =
  | { ok: true; distributions: DatasetDistribution[]; objectKeys: Record<string, string> }
  | { ok: false; problems: Problem[] };

export const MAX_DISTRIBUTIONS = 100;
const SHA256 = /^[0-9a-f]{64}$/;

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username;
  } catch {
    return false;
  }
}

/**
 * Each distribution must be usable before publication (004 Điều 8.1): a file with its media type,
 * size and SHA-256, a tabular file checked without problems; a sharing service of the owner that is
 * not retired; or a web address. DCAT-AP 3 requires an access URL on every distribution.
 */
export function checkDistributions(
  drafts: readonly DistributionDraft[],
  ctx: DistributionContext,
): DistributionCheck {
  const problems: Problem[] = [];
  const problem = (path: string, code: string, message: string) => problems.push({ path, code, message });
  if (!drafts.length) problem('/distributions', 'required', 'at least one distribution is required');
  if (drafts.length > MAX_DISTRIBUTIONS)
    problem('/distributions', 'too-many', `${drafts.length} distributions; at most ${MAX_DISTRIBUTIONS}`);
  const ids = drafts.map((d) => d.distributionId);
  if (new Set(ids).size !== ids.length)
    problem('/distributions', 'duplicate', 'a distribution id appears twice');

  const distributions: DatasetDistribution[] = [];
  const objectKeys: Record<string, string> = {};
  drafts.forEach((d, i) => {
    const at = `/distributions/${i}`;
    const format = d.format ? formatByCode(d.format) : undefined;
    if (d.format && !format)
      problem(`${at}/format`, 'unknown-format', `'${d.format}' is not a known file type`);
    const label = d.format ?? (d.kind === 'service' ? 'API' : 'URL');
    const title = {
      vi: d.title?.vi ?? `${ctx.datasetTitle.vi} (${label})`,
      en: d.title?.en ?? `${ctx.datasetTitle.en} (${label})`,
      ...(d.title?.ru ? { ru: d.title.ru } : {}),
    };
    const common = {
      distributionId: d.distributionId,
      kind: d.kind,
      title,
      ...(d.description?.vi && d.description.en ? { description: d.description as DatasetText } : {}),
      ...(d.format ? { format: d.format } : {}),
    };
    switch (d.kind) {
      case 'file': {
        if (format && d.mediaType !== format.mediaType)
          problem(
            `${at}/mediaType`,
            'media-type',
            `a ${format.code} file is ${format.mediaType}, not ${d.mediaType}`,
          );
        if (!Number.isInteger(d.byteSize) || d.byteSize <= 0)
          problem(`${at}/byteSize`, 'empty-file', 'the file is empty');
        if (!SHA256.test(d.sha256))
          problem(`${at}/sha256`, 'checksum', 'the SHA-256 is not 64 lower-case hex digits');
        if (format?.tabular && !d.check)
          problem(`${at}/check`, 'unchecked', `${d.fileName} has not been checked yet`);
        else if (d.check && d.check.problems > 0)
          problem(
            `${at}/check`,
            'check-failed',
            `${d.fileName} has ${d.check.problems} problem(s); correct and upload it again`,
          );
        distributions.push({
          ...common,
          accessURL: ctx.links.dataset(ctx.datasetId),
          downloadURL: ctx.links.download(ctx.datasetId, ctx.version, d.distributionId, d.fileName),
          mediaType: d.mediaType,
          byteSize: d.byteSize,
          sha256: d.sha256,
        });
        objectKeys[d.distributionId] = d.objectKey;
        break;
      }
      case 'service': {
        const service = ctx.service(d.serviceId);
        if (!service) {
          problem(`${at}/serviceId`, 'unknown-service', `no sharing service ${d.serviceId} in the registry`);
          break;
        }
        if (service.providerAgency !== ctx.ownerAgency)
          problem(
            `${at}/serviceId`,
            'not-owner',
            `the service ${service.name} belongs to ${service.providerAgency}`,
          );
        if (service.status === 'retired')
          problem(`${at}/serviceId`, 'service-retired', `the service ${service.name} is retired`);
        distributions.push({ ...common, accessURL: service.endpoint, serviceId: service._id });
        break;
      }
      case 'url': {
        if (!isWebUrl(d.accessURL))
          problem(`${at}/accessURL`, 'url', `'${d.accessURL}' is not an http(s) address`);
        distributions.push({
          ...common,
          accessURL: d.accessURL,
          ...(d.mediaType ? { mediaType: d.mediaType } : {}),
        });
        break;
      }
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, distributions, objectKeys };
}
