import type { DatasetDistribution } from '@openlgsp/contracts';
import { formatByCode } from '../vocabularies/formats.js';

/**
 * The file name a download is saved under: the one in the published download link, else the title;
 * an ASCII fallback (`filename`) beside the exact UTF-8 name (`filename*`, RFC 6266 / RFC 8187), so no
 * quote, slash or control character reaches the header.
 */
export function contentDisposition(distribution: DatasetDistribution): string {
  const fromLink = lastSegment(distribution.downloadURL);
  const extension = distribution.format
    ? (formatByCode(distribution.format)?.extensions[0] ?? distribution.format.toLowerCase())
    : 'bin';
  const name = (fromLink || `${distribution.title.vi}.${extension}`).normalize('NFC');
  const ascii =
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 150) || `download.${extension}`;
  const exact = encodeURIComponent(name.replace(/[\p{Cc}/\\]/gu, '_').slice(0, 200)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

function lastSegment(url: string | undefined): string {
  try {
    return url ? decodeURIComponent(url.split('/').pop() ?? '') : '';
  } catch {
    return ''; // a malformed escape: the title names the file instead
  }
}

/** A strong validator: the file's checksum, since a published file never changes. */
export const etagOf = (sha256: string) => `"sha256-${sha256}"`;

/** If-None-Match (RFC 9110 §13.1.2): a list of tags, or `*`; weak tags compare by their opaque part. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
