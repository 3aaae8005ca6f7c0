/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is itself
 * `Html` made by the tag (or by `jsonLdScript`), so unescaped output cannot happen by accident.
 * No template library: the pages are few, and a tag keeps the types and the escaping in one place.
 */
const TRUSTED = Symbol('trusted markup');

export class Html {
  /** Only this module can build Html (the token is not exported): its text is escaped or literal markup. */
  constructor(
    token: typeof TRUSTED,
    readonly text: string,
  ) {
    if (token !== TRUSTED) throw new TypeError('Html is made by the html tag only');
  }

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** A value as markup: Html as is, arrays joined, null/undefined/false as nothing, the rest escaped. */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(TRUSTED, out);
}

/**
 * JSON-LD for search engines, embedded as data. `<` is written `\u003c` (and `>`, `&`, the line
 * separators likewise) so no text inside can close the script element or open a comment; the
 * JSON still parses to the same value.
 */
export function jsonLdScript(data: unknown): Html {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Html(TRUSTED, `<script type="application/ld+json">${json}</script>`);
}

/**
 * An href only for our own paths or http(s) URLs: a `javascript:` or `data:` URL in stored data
 * (an external distribution's accessURL, say) becomes an inert `#`.
 */
export function safeHref(url: string): string {
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}

/**
 * The Content-Security-Policy of the server-rendered pages (the open-data portal, the operator
 * console): no script at all (JSON-LD is data, which a browser never runs), styles and images from
 * the service only, forms posting back to it; stricter than the shared API default.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
