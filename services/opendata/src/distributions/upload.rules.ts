import { fail, ok, type Result } from '@openlgsp/domain';
import {
  formatByCode,
  formatByFileName,
  formatByMediaType,
  type FileFormat,
} from '../vocabularies/formats.js';

/**
 * What an upload must be before the platform keeps it (004 Điều 8.1: published data is usable and what
 * it says it is): a plain file name, a known format on which the name, the declared media type and the
 * file's first bytes all agree.
 */
const UPLOAD = '004 Điều 8.1';
export const MAX_FILE_NAME = 200;
// Letters and digits of any script, spaces and a few marks; nothing that means a path or a shell.
const FILE_NAME = /^[\p{L}\p{N}][\p{L}\p{N}\p{M} ._()+-]*$/u;

/** A file name as the portal keeps it: NFC, trimmed, no path, no control or special characters. */
export function sanitiseFileName(raw: string): Result<string> {
  const name = raw.normalize('NFC').trim();
  const refuse = (message: string) =>
    fail<string>('invalid', 'file-name', message, { path: '/name', source: UPLOAD });
  if (!name) return refuse('a file needs a name');
  if (name.length > MAX_FILE_NAME) return refuse(`a file name has at most ${MAX_FILE_NAME} characters`);
  if (/[/\\]/.test(name) || name.includes('..')) return refuse(`'${name}' is a path, not a file name`);
  if (!FILE_NAME.test(name))
    return refuse(
      `'${name}' may hold only letters, digits, spaces and . _ ( ) + -, and starts with a letter or digit`,
    );
  return ok(name);
}

/**
 * The format of an upload: the one declared (or announced by the file name), which the name's
 * extension and the request's content type must both state.
 */
export function uploadFormat(
  fileName: string,
  contentType: string | undefined,
  declared?: string,
): Result<FileFormat> {
  const byName = formatByFileName(fileName);
  const format = declared ? formatByCode(declared) : byName;
  if (!format)
    return fail(
      'invalid',
      'unknown-format',
      declared
        ? `'${declared}' is not a known file type`
        : `the type of '${fileName}' is not known by its extension`,
      {
        path: declared ? '/format' : '/name',
        source: UPLOAD,
      },
    );
  if (byName?.code !== format.code)
    return fail('invalid', 'mislabelled', `a ${format.code} file's name ends in .${format.extensions[0]}`, {
      path: '/name',
      source: UPLOAD,
    });
  if (formatByMediaType(contentType ?? '')?.code !== format.code)
    return fail(
      'invalid',
      'mislabelled',
      `a ${format.code} file is sent as ${format.mediaType}, not ${contentType ?? 'without a content type'}`,
      { path: '/content-type', source: UPLOAD },
    );
  return ok(format);
}

const startsWith = (bytes: Buffer, signature: number[]) => signature.every((b, i) => bytes[i] === b);
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4: XLSX is a zip package
const BOM = [0xef, 0xbb, 0xbf];

/** The first character that is not white space, after a UTF-8 byte-order mark. */
function firstText(bytes: Buffer): string {
  const text = bytes.subarray(startsWith(bytes, BOM) ? 3 : 0).toString('latin1');
  return text.trimStart().charAt(0);
}

/** Whether the file's first bytes are what its format says (a PDF named .csv is refused). */
export function sniff(format: FileFormat, head: Buffer): Result<FileFormat> {
  const mislabelled = (what: string) =>
    fail<FileFormat>('invalid', 'mislabelled', `the file is declared ${format.code} but ${what}`, {
      path: '/content-type',
      source: UPLOAD,
    });
  if (!head.length)
    return fail('invalid', 'empty-file', 'the file is empty', { path: '/body', source: UPLOAD });
  const binary = startsWith(head, PDF) ? 'is a PDF' : startsWith(head, ZIP) ? 'is a zip package' : null;
  switch (format.code) {
    case 'PDF':
      return startsWith(head, PDF) ? ok(format) : mislabelled('does not start as a PDF does');
    case 'XLSX':
      return startsWith(head, ZIP) ? ok(format) : mislabelled('is not an Office Open XML package');
    case 'JSON':
    case 'GEOJSON':
      return ['{', '['].includes(firstText(head)) ? ok(format) : mislabelled('does not start as JSON does');
    case 'XML':
      return firstText(head) === '<' ? ok(format) : mislabelled('does not start as XML does');
    default:
      // Text formats (CSV): no binary signature and no NUL byte in the first block.
      if (binary) return mislabelled(binary);
      if (head.includes(0)) return mislabelled('holds binary data');
      return ok(format);
  }
}
