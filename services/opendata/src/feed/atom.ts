import type { FeedItem } from './feed.model.js';

/** How the Atom feed names itself and links to the portal's pages. */
export interface AtomFeedOptions {
  /** The feed's permanent id (its URL on the portal is fine). */
  id: string;
  title: string;
  /** The feed's own URL (rel="self") and the portal page it mirrors (rel="alternate"). */
  selfUrl: string;
  portalUrl: string;
  datasetPage: (datasetId: string) => string;
  /** Titles and summaries in this language; the contracts require vi and en. */
  lang?: 'vi' | 'en';
  /** When the feed is empty: its `updated` (otherwise the newest change's time). */
  now?: Date;
}

interface DatasetData {
  datasetId?: string;
  ownerAgency?: string;
  version?: number;
  reason?: string;
  metadata?: {
    title?: Record<string, string>;
    description?: Record<string, string>;
    publisher?: { name?: string };
  };
}

const ACTIONS: Record<string, { vi: string; en: string }> = {
  'vn.openlgsp.opendata.dataset.published.v1': { vi: 'Công bố', en: 'Published' },
  'vn.openlgsp.opendata.dataset.updated.v1': { vi: 'Cập nhật', en: 'Updated' },
  'vn.openlgsp.opendata.dataset.retracted.v1': { vi: 'Thu hồi', en: 'Retracted' },
};

const SUMMARY_LENGTH = 500;

/**
 * The recent changes as an Atom 1.0 feed (RFC 4287) for feed readers, newest first. Entry ids are
 * `urn:uuid:<event id>`, stable across fetches, so a reader shows each change once.
 */
export function atomFeed(items: readonly FeedItem[], options: AtomFeedOptions): string {
  const lang = options.lang ?? 'vi';
  const newestFirst = [...items].sort((a, b) => b.position - a.position);
  const updated = newestFirst[0]?.event.time ?? (options.now ?? new Date()).toISOString();
  const entries = newestFirst.map((item) => entry(item, options, lang)).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">` +
    `<id>${text(options.id)}</id>` +
    `<title>${text(options.title)}</title>` +
    `<updated>${text(updated)}</updated>` +
    `<link rel="self" type="application/atom+xml" href="${text(options.selfUrl)}"/>` +
    `<link rel="alternate" type="text/html" href="${text(options.portalUrl)}"/>` +
    `<author><name>OpenLGSP</name></author>` +
    `<generator>OpenLGSP</generator>` +
    entries +
    `</feed>\n`
  );
}

function entry(item: FeedItem, options: AtomFeedOptions, lang: 'vi' | 'en'): string {
  const { event } = item;
  const data = (event.data ?? {}) as DatasetData;
  const action = ACTIONS[event.type]?.[lang] ?? event.type;
  const name = data.metadata?.title?.[lang] ?? data.datasetId ?? event.subject ?? '';
  const version =
    data.version !== undefined
      ? lang === 'vi'
        ? ` (phiên bản ${data.version})`
        : ` (version ${data.version})`
      : '';
  const summary = data.reason ?? data.metadata?.description?.[lang];
  const author = data.metadata?.publisher?.name ?? data.ownerAgency ?? 'OpenLGSP';
  return (
    `<entry>` +
    `<id>urn:uuid:${text(event.id)}</id>` +
    `<title>${text(`${action}: ${name}${version}`)}</title>` +
    `<updated>${text(event.time)}</updated>` +
    (data.datasetId
      ? `<link rel="alternate" type="text/html" href="${text(options.datasetPage(data.datasetId))}"/>`
      : '') +
    `<author><name>${text(author)}</name></author>` +
    `<category term="${text(event.type)}"/>` +
    (summary ? `<summary>${text(truncate(summary))}</summary>` : '') +
    `</entry>`
  );
}

function truncate(s: string): string {
  const chars = [...s];
  return chars.length > SUMMARY_LENGTH ? `${chars.slice(0, SUMMARY_LENGTH - 1).join('')}…` : s;
}

// Characters XML 1.0 cannot carry at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/F).
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escaped for both element text and attribute values. */
function text(s: string): string {
  return s
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
