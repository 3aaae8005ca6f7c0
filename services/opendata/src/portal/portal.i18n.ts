import { en } from './i18n/en.js';
import { vi } from './i18n/vi.js';

/** The portal's languages: Vietnamese first (003 Điều 11), English on request with `?lang=en`. */
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function langOf(value: unknown): Lang {
  return value === 'en' ? 'en' : 'vi';
}

/** Every text the portal shows that does not come from the data; one file per language. */
export interface Dictionary {
  siteName: string;
  siteTagline: string;
  skipToContent: string;
  switchLanguage: string;
  otherLanguageName: string;
  home: string;
  searchLabel: string;
  searchPlaceholder: string;
  searchButton: string;
  filterButton: string;
  clearFilters: string;
  facetTitle: Record<'theme' | 'publisher' | 'format', string>;
  results(count: number | undefined, shown: number): string;
  noResults: string;
  paging: string;
  nextPage: string;
  firstPage: string;
  publishedBy: string;
  updated: string;
  retracted: string;
  retractedNotice: string;
  about: string;
  metadata: string;
  field: Record<
    | 'publisher'
    | 'themes'
    | 'keywords'
    | 'licence'
    | 'frequency'
    | 'spatial'
    | 'temporal'
    | 'version'
    | 'issued'
    | 'modified'
    | 'contact'
    | 'legalBasis'
    | 'identifier',
    string
  >;
  /** An article of a legal instrument, as cited in the legal basis. */
  article(number: string): string;
  distributions: string;
  download: string;
  openService: string;
  openLink: string;
  bytes(size: number): string;
  machineReadable: string;
  dcatJsonLd: string;
  dcatTurtle: string;
  ckanPackage: string;
  preview: string;
  previewCaption(rows: number, name: string): string;
  previewNote: string;
  freshness: string;
  nextUpdateDue(day: string): string;
  overdue(days: number): string;
  onTime: string;
  noUpdateDue: string;
  feedback: string;
  feedbackIntro: string;
  feedbackText: string;
  feedbackTextHint: string;
  senderName: string;
  senderEmail: string;
  senderPhone: string;
  contactPrivate: string;
  optional: string;
  send: string;
  feedbackNone: string;
  feedbackReceivedOn(day: string): string;
  answer: string;
  answeredOn(day: string): string;
  awaitingAnswer: string;
  formHasErrors: string;
  rateLimited: string;
  fieldProblem: Record<'text' | 'name' | 'email' | 'phone', string>;
  feedbackPageTitle: string;
  feedbackSent: string;
  feedbackKeepLink: string;
  feedbackAbout: string;
  status: Record<'received' | 'answered', string>;
  publisherPageTitle(name: string): string;
  publisherDatasets(count: number): string;
  notFoundTitle: string;
  notFoundText: string;
  backHome: string;
}

const DICTIONARIES: Record<Lang, Dictionary> = { vi, en };

export function dictionary(lang: Lang): Dictionary {
  return DICTIONARIES[lang];
}

const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

/** A local calendar day (YYYY-MM-DD) as the language writes it. */
export function formatDay(lang: Lang, day: string): string {
  const at = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(at.getTime())) return day;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(at);
}

/** An instant as the day it was in the province (Asia/Ho_Chi_Minh, UTC+7). */
export function formatInstant(lang: Lang, instant: string | Date): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return String(instant);
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'Asia/Ho_Chi_Minh' }).format(
    at,
  );
}
