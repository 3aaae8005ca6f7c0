import type { DatasetMetadata, DataThemeCode, FrequencyCode } from '@openlgsp/contracts';
import type { AgencyView } from '../catalogue-view/catalogue-view.model.js';
import { FREQUENCY_CODES } from '../vocabularies/frequencies.js';
import type { Licence } from '../vocabularies/licences.js';
import { THEME_CODES } from '../vocabularies/themes.js';
import type { DraftMetadata } from './dataset.model.js';

/** One reason a dataset cannot be published yet: where (a JSON pointer into the draft) and what. */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

export type MetadataCheck = { ok: true; metadata: DatasetMetadata } | { ok: false; problems: Problem[] };

export interface MetadataContext {
  publisher: AgencyView;
  /** The portal's configured open licences. */
  licences: readonly Licence[];
  defaultLicence: string;
}

// C0/C1 control characters other than tab and line breaks never belong in published text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * Text is stored in Unicode NFC (003 Điều 11: TCVN 6909:2001): "Đất đai" typed with
 * combining marks and precomposed reads, sorts and searches as one word.
 */
export function normaliseText<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map((v) => normaliseText(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseText(v)])) as T;
  return value;
}

/**
 * The check before publication (004 Điều 8.1): DCAT-AP 3's mandatory properties and the portal's
 * required ones are present, each text in Vietnamese and English (003 Điều 11), vocabularies known,
 * the licence open and configured. Every problem is reported, each with where it is.
 */
export function checkMetadata(draft: DraftMetadata, ctx: MetadataContext): MetadataCheck {
  const problems: Problem[] = [];
  const problem = (path: string, code: string, message: string) => problems.push({ path, code, message });
  const text = (path: string, value: unknown, max: number, what: string, required = true) => {
    if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
      if (required) problem(path, 'required', `${what} is required`);
      return;
    }
    if (typeof value !== 'string') return problem(path, 'type', `${what} must be text`);
    if (value.length > max)
      problem(path, 'too-long', `${what} has ${value.length} characters; at most ${max}`);
    if (value !== value.normalize('NFC')) problem(path, 'not-nfc', `${what} is not in Unicode NFC`);
    if (CONTROL.test(value)) problem(path, 'control-character', `${what} contains a control character`);
  };
  const languages = (
    path: string,
    value: Partial<Record<string, string>> | undefined,
    max: number,
    what: string,
  ) => {
    text(`${path}/vi`, value?.vi, max, `${what} in Vietnamese`);
    text(`${path}/en`, value?.en, max, `${what} in English`);
    text(`${path}/ru`, value?.ru, max, `${what} in Russian`, false);
  };

  languages('/title', draft.title, 300, 'the title');
  languages('/description', draft.description, 4000, 'the description');

  const keywords = draft.keywords ?? {};
  if (!keywords.vi?.length)
    problem('/keywords/vi', 'required', 'at least one keyword in Vietnamese is required');
  for (const lang of ['vi', 'en', 'ru'] as const) {
    const list = keywords[lang] ?? [];
    if (list.length > 30) problem(`/keywords/${lang}`, 'too-many', `${list.length} keywords; at most 30`);
    list.forEach((k, i) => text(`/keywords/${lang}/${i}`, k, 100, 'a keyword'));
    if (new Set(list).size !== list.length)
      problem(`/keywords/${lang}`, 'duplicate', 'a keyword appears twice');
  }

  const themes = draft.themes ?? [];
  if (!themes.length) problem('/themes', 'required', 'at least one EU data theme is required');
  themes.forEach((t, i) => {
    if (!(THEME_CODES as readonly string[]).includes(t))
      problem(`/themes/${i}`, 'unknown-theme', `'${t}' is not an EU data theme (${THEME_CODES.join(', ')})`);
  });
  if (new Set(themes).size !== themes.length) problem('/themes', 'duplicate', 'a theme appears twice');

  const contact = draft.contactPoint;
  text('/contactPoint/name', contact?.name, 300, 'the contact point');
  if (!contact?.email) problem('/contactPoint/email', 'required', "the contact point's email is required");
  else if (!EMAIL.test(contact.email))
    problem('/contactPoint/email', 'email', `'${contact.email}' is not an email address`);

  const spatial = draft.spatial;
  const units = [
    ['province', 2],
    ['district', 3],
    ['commune', 5],
  ] as const;
  if (!spatial?.province) problem('/spatial/province', 'required', 'the province covered is required');
  units.forEach(([level, digits], i) => {
    const unit = spatial?.[level];
    if (!unit) return;
    const parent = i > 0 ? units[i - 1]![0] : null;
    if (parent && !spatial[parent])
      problem(`/spatial/${parent}`, 'required', `a ${level} is given, so its ${parent} is required`);
    if (!new RegExp(`^[0-9]{${digits}}$`).test(unit.code ?? ''))
      problem(`/spatial/${level}/code`, 'pattern', `a ${level} code has ${digits} digits`);
    text(`/spatial/${level}/name`, unit.name, 300, `the ${level}'s name`);
  });

  const temporal = draft.temporal;
  for (const end of ['start', 'end'] as const) {
    const day = temporal?.[end];
    if (day !== undefined && (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))))
      problem(`/temporal/${end}`, 'date', `'${day}' is not a date (YYYY-MM-DD)`);
  }
  if (temporal?.start && temporal.end && temporal.start > temporal.end)
    problem('/temporal/end', 'before-start', 'the temporal coverage ends before it starts');

  if (!draft.accrualPeriodicity)
    problem('/accrualPeriodicity', 'required', 'the update frequency is required');
  else if (!(FREQUENCY_CODES as readonly string[]).includes(draft.accrualPeriodicity))
    problem(
      '/accrualPeriodicity',
      'unknown-frequency',
      `'${draft.accrualPeriodicity}' is not an EU frequency (${FREQUENCY_CODES.join(', ')})`,
    );

  const license = draft.license ?? ctx.defaultLicence;
  if (!ctx.licences.some((l) => l.id === license))
    problem(
      '/license',
      'not-open-licence',
      `'${license}' is not one of the portal's open licences (${ctx.licences.map((l) => l.id).join(', ')})`,
    );

  const legalBasis = draft.legalBasis ?? [];
  if (!legalBasis.length) problem('/legalBasis', 'required', 'the legal basis is required');
  legalBasis.forEach((l, i) => text(`/legalBasis/${i}/instrument`, l.instrument, 300, 'the instrument'));

  if (problems.length) return { ok: false, problems };
  const langs = <T extends object>(v: T | undefined) => v as Required<NonNullable<T>> & T;
  return {
    ok: true,
    metadata: {
      title: langs(draft.title) as DatasetMetadata['title'],
      description: langs(draft.description) as DatasetMetadata['description'],
      keywords: keywords as DatasetMetadata['keywords'],
      themes: themes as DataThemeCode[],
      publisher: {
        agency: ctx.publisher.code,
        name: ctx.publisher.name,
        ...(ctx.publisher.nationalId ? { nationalId: ctx.publisher.nationalId } : {}),
      },
      contactPoint: contact as DatasetMetadata['contactPoint'],
      spatial: spatial as DatasetMetadata['spatial'],
      ...(temporal && (temporal.start || temporal.end) ? { temporal } : {}),
      accrualPeriodicity: draft.accrualPeriodicity as FrequencyCode,
      license,
      legalBasis: legalBasis as DatasetMetadata['legalBasis'],
      accessRights: 'public',
    },
  };
}
