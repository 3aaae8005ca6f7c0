/**
 * Every text that enters the platform, in Unicode Normalization Form C. TCVN 6909:2001 is Unicode, and
 * "Đất đai" typed on different keyboards arrives precomposed (NFC) or decomposed (NFD); normalising at
 * the edge (HTTP bodies, query strings, path parameters, intake event data) means search, uniqueness
 * and signatures see one form. Pure: returns a normalised copy of a JSON value (keys too), the same
 * value when nothing changes.
 */
export function normaliseText<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const n = normaliseText(v);
      changed ||= n !== v;
      return n;
    });
    return (changed ? out : value) as T;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const k = key.normalize('NFC');
    const n = normaliseText(v);
    changed ||= k !== key || n !== v;
    out[k] = n;
  }
  return (changed ? out : value) as T;
}
