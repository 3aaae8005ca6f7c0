/**
 * The EU data-theme vocabulary (DCAT-AP 3 recommends it for dcat:theme), with the labels the portal
 * shows in Vietnamese and English (003 Điều 11: the portal is bilingual).
 * https://op.europa.eu/en/web/eu-vocabularies/concept-scheme/-/resource?uri=http://publications.europa.eu/resource/authority/data-theme
 */
import type { DataThemeCode } from '@openlgsp/contracts';

export const THEME_SCHEME = 'http://publications.europa.eu/resource/authority/data-theme';

export interface Theme {
  /** The codes are the contract's (contracts/events/opendata: DataThemeCode), so the two cannot drift. */
  code: DataThemeCode;
  iri: string;
  label: { vi: string; en: string };
}

const theme = (code: DataThemeCode, vi: string, en: string): Theme => ({
  code,
  iri: `${THEME_SCHEME}/${code}`,
  label: { vi, en },
});

export const THEMES: readonly Theme[] = Object.freeze([
  theme(
    'AGRI',
    'Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm',
    'Agriculture, fisheries, forestry and food',
  ),
  theme('ECON', 'Kinh tế và tài chính', 'Economy and finance'),
  theme('EDUC', 'Giáo dục, văn hóa và thể thao', 'Education, culture and sport'),
  theme('ENER', 'Năng lượng', 'Energy'),
  theme('ENVI', 'Môi trường', 'Environment'),
  theme('GOVE', 'Chính phủ và khu vực công', 'Government and public sector'),
  theme('HEAL', 'Y tế', 'Health'),
  theme('INTR', 'Các vấn đề quốc tế', 'International issues'),
  theme(
    'JUST',
    'Tư pháp, hệ thống pháp luật và an toàn công cộng',
    'Justice, legal system and public safety',
  ),
  theme('REGI', 'Vùng và đô thị', 'Regions and cities'),
  theme('SOCI', 'Dân số và xã hội', 'Population and society'),
  theme('TECH', 'Khoa học và công nghệ', 'Science and technology'),
  theme('TRAN', 'Giao thông vận tải', 'Transport'),
]);

export const THEME_CODES: readonly DataThemeCode[] = THEMES.map((t) => t.code);

export function themeByCode(code: string): Theme | undefined {
  return THEMES.find((t) => t.code === code);
}
