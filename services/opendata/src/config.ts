import type { PortalLinks } from './datasets/dataset.model.js';
import { DEFAULT_LICENCE_ID, DEFAULT_LICENCES, licenceList, type Licence } from './vocabularies/licences.js';

/** The opendata service's settings, read once at start; a bad value stops it with the variable's name. */
export interface OpendataConfig {
  /** The portal's open licences (OPENDATA_LICENCES narrows the built-in list) and the default one. */
  licences: readonly Licence[];
  defaultLicence: string;
  /** The bound of one uploaded file, bytes (default 200 MB). */
  uploadMaxBytes: number;
  /** How often the freshness report (overdue updates, due reviews) is recomputed (ms). */
  freshnessTickMs: number;
  /** The public portal's base URL: dataset pages and download links are built on it. */
  publicBaseUrl: string;
  links: PortalLinks;
}

export const OPENDATA_CONFIG = Symbol('OPENDATA_CONFIG');
/** The object store of uploaded files (a folder or S3, libs/storage). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');
/** The SSRF guard's options for access-URL checks (libs/net). */
export const OUTBOUND = Symbol('OUTBOUND');

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  return value;
}

export function opendataConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpendataConfig {
  const defaultLicence = env.OPENDATA_DEFAULT_LICENCE || DEFAULT_LICENCE_ID;
  const chosen = (env.OPENDATA_LICENCES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = chosen.filter((id) => !DEFAULT_LICENCES.some((l) => l.id === id));
  if (unknown.length)
    throw new Error(
      `OPENDATA_LICENCES lists unknown licences (${unknown.join(', ')}); known: ${DEFAULT_LICENCES.map((l) => l.id).join(', ')}`,
    );
  const licences = licenceList(
    chosen.length ? DEFAULT_LICENCES.filter((l) => chosen.includes(l.id)) : DEFAULT_LICENCES,
    defaultLicence,
  );
  const base = (env.OPENDATA_PUBLIC_BASE_URL || 'http://127.0.0.1:8080/opendata').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new Error(`OPENDATA_PUBLIC_BASE_URL must be an http(s) URL, not '${base}'`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`OPENDATA_PUBLIC_BASE_URL must be an http(s) URL, not '${base}'`);
  return {
    licences,
    defaultLicence,
    // 1 KiB .. 5 GiB: below is no file, above is beyond one PUT's sensible size.
    uploadMaxBytes: intFrom(env, 'OPENDATA_UPLOAD_MAX_BYTES', 200 * 1024 * 1024, 1024, 5 * 1024 ** 3),
    freshnessTickMs: intFrom(env, 'OPENDATA_FRESHNESS_TICK_MS', 3_600_000, 50, 86_400_000),
    publicBaseUrl: base,
    // The public routes that serve them: the portal's dataset page, and the read side's download of
    // one version's file (the file name travels in Content-Disposition, not in the path).
    links: {
      dataset: (id) => `${base}/portal/datasets/${id}`,
      download: (id, version, distributionId) =>
        `${base}/catalog/datasets/${id}/versions/${version}/distributions/${distributionId}/download`,
    },
  };
}
