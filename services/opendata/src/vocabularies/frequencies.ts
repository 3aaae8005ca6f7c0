/**
 * The EU frequency vocabulary (DCAT-AP 3: dct:accrualPeriodicity), with the calendar step each code
 * implies for the next update. Continuous, irregular, unknown and never have no next-update date.
 * https://op.europa.eu/en/web/eu-vocabularies/concept-scheme/-/resource?uri=http://publications.europa.eu/resource/authority/frequency
 */
import type { FrequencyCode } from '@openlgsp/contracts';

export const FREQUENCY_SCHEME = 'http://publications.europa.eu/resource/authority/frequency';

/** A calendar step in local days or months; `null` when the frequency sets no due date. */
export type CalendarStep = { days: number } | { months: number } | null;

export interface Frequency {
  code: FrequencyCode;
  iri: string;
  label: { vi: string; en: string };
  step: CalendarStep;
}

const frequency = (code: FrequencyCode, vi: string, en: string, step: CalendarStep): Frequency => ({
  code,
  iri: `${FREQUENCY_SCHEME}/${code}`,
  label: { vi, en },
  step,
});

export const FREQUENCIES: readonly Frequency[] = Object.freeze([
  frequency('DAILY', 'Hằng ngày', 'Daily', { days: 1 }),
  frequency('WEEKLY', 'Hằng tuần', 'Weekly', { days: 7 }),
  frequency('BIWEEKLY', 'Hai tuần một lần', 'Biweekly', { days: 14 }),
  frequency('MONTHLY', 'Hằng tháng', 'Monthly', { months: 1 }),
  frequency('BIMONTHLY', 'Hai tháng một lần', 'Bimonthly', { months: 2 }),
  frequency('QUARTERLY', 'Hằng quý', 'Quarterly', { months: 3 }),
  frequency('ANNUAL_2', 'Nửa năm một lần', 'Semiannual', { months: 6 }),
  frequency('ANNUAL', 'Hằng năm', 'Annual', { months: 12 }),
  frequency('BIENNIAL', 'Hai năm một lần', 'Biennial', { months: 24 }),
  frequency('TRIENNIAL', 'Ba năm một lần', 'Triennial', { months: 36 }),
  frequency('CONT', 'Liên tục', 'Continuous', null),
  frequency('UPDATE_CONT', 'Cập nhật liên tục', 'Continuously updated', null),
  frequency('IRREG', 'Không thường xuyên', 'Irregular', null),
  frequency('UNKNOWN', 'Không xác định', 'Unknown', null),
  frequency('NEVER', 'Không cập nhật', 'Never', null),
]);

export const FREQUENCY_CODES: readonly FrequencyCode[] = FREQUENCIES.map((f) => f.code);

export function frequencyByCode(code: string): Frequency | undefined {
  return FREQUENCIES.find((f) => f.code === code);
}
