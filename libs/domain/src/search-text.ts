/**
 * Search text without Vietnamese diacritics, lower-cased: "Đất đai" and "dat dai" find each other
 * (004 Điều 13.2.c: search returns what was searched for). FerretDB v1 has no text index, so
 * search runs a prefix-free regex over this field.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function searchable(...parts: (string | undefined)[]): string {
  return fold(parts.filter(Boolean).join(' '));
}

/** A user's words → an anchored-free, escaped pattern matching all words in any order. */
export function searchPattern(query: string): RegExp[] {
  return fold(query)
    .split(' ')
    .filter(Boolean)
    .slice(0, 8)
    .map((w) => new RegExp(w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}
