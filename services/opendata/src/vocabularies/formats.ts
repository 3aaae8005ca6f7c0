/**
 * File formats a distribution may have: the EU file-type vocabulary (DCAT-AP 3: dct:format) and the
 * IANA media type (dcat:mediaType), with the file extensions that announce them.
 */
import type { FileTypeCode } from '@openlgsp/contracts';

export const FILE_TYPE_SCHEME = 'http://publications.europa.eu/resource/authority/file-type';
export const IANA_MEDIA_TYPES = 'https://www.iana.org/assignments/media-types';

export interface FileFormat {
  /** The EU file-type code, e.g. CSV. */
  code: FileTypeCode;
  iri: string;
  mediaType: string;
  extensions: readonly string[];
  /** True when the platform checks the content row by row before publication (004 Điều 8.1). */
  tabular: boolean;
}

const format = (
  code: FileTypeCode,
  mediaType: string,
  extensions: string[],
  tabular = false,
): FileFormat => ({
  code,
  iri: `${FILE_TYPE_SCHEME}/${code}`,
  mediaType,
  extensions,
  tabular,
});

export const FILE_FORMATS: readonly FileFormat[] = Object.freeze([
  format('CSV', 'text/csv', ['csv'], true),
  format('JSON', 'application/json', ['json']),
  format('GEOJSON', 'application/geo+json', ['geojson']),
  format('XLSX', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx']),
  format('PDF', 'application/pdf', ['pdf']),
  format('XML', 'application/xml', ['xml']),
]);

export const FILE_FORMAT_CODES: readonly FileTypeCode[] = FILE_FORMATS.map((f) => f.code);

export function formatByCode(code: string): FileFormat | undefined {
  return FILE_FORMATS.find((f) => f.code === code);
}

export function formatByMediaType(mediaType: string): FileFormat | undefined {
  const bare = mediaType.split(';')[0]!.trim().toLowerCase();
  return FILE_FORMATS.find((f) => f.mediaType === bare);
}

export function formatByFileName(name: string): FileFormat | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext ? FILE_FORMATS.find((f) => f.extensions.includes(ext)) : undefined;
}

export const mediaTypeIri = (mediaType: string) => `${IANA_MEDIA_TYPES}/${mediaType}`;
