import { domainToASCII } from 'node:url';
import type { Observable, ObservableType, Tlp } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';

/**
 * Observables are checked and put in one canonical form, so the same indicator always reads the
 * same (deduplication compares them): canonical IP addresses (RFC 5952 for IPv6), lower-case ASCII
 * domains (IDNA), WHATWG-serialised URLs, lower-case hexadecimal hashes, e-mail addresses with a
 * lower-case domain. Bounds (how many, how long) are in the contracts.
 */

/** TLP 2.0 markings from the widest audience to the narrowest. */
export const TLP_ORDER: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
export const narrower = (a: Tlp, b: Tlp): Tlp => (TLP_ORDER.indexOf(a) >= TLP_ORDER.indexOf(b) ? a : b);

const invalid = (code: string, message: string, path: string) =>
  fail<string>('invalid', code, message, { path });

export function canonicalIpv4(value: string): string | null {
  const parts = value.split('.');
  if (parts.length !== 4) return null;
  // Leading zeros are refused: "010" is octal to some parsers and decimal to others.
  if (!parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.join('.');
}

/**
 * RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::" (the first
 * on a tie), IPv4-mapped addresses as ::ffff:a.b.c.d.
 */
export function canonicalIpv6(value: string): string | null {
  let text = value.toLowerCase();
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = canonicalIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const groups = [
    ...head.map((g) => parseInt(g, 16)),
    ...Array<number>(8 - total).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
  ];
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function canonicalDomain(value: string): string | null {
  const trimmed = value.trim().replace(/\.$/, '');
  if (!trimmed || /[\s/@:]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  // Underscores occur in real host names (service records, malware hosts), so they are kept.
  const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
  if (!labels.every((l) => label.test(l))) return null;
  // The top-level domain is never all digits (that would be an IP address).
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

const HASH_LENGTHS = new Set([32, 40, 64, 128]); // MD5, SHA-1, SHA-256, SHA-512

function canonical(type: ObservableType, value: string, path: string): Result<string> {
  switch (type) {
    case 'ip': {
      const ip = value.includes(':') ? canonicalIpv6(value) : canonicalIpv4(value);
      return ip ? ok(ip) : invalid('malformed-ip', `'${value}' is not an IPv4 or IPv6 address`, path);
    }
    case 'domain': {
      const domain = canonicalDomain(value);
      return domain ? ok(domain) : invalid('malformed-domain', `'${value}' is not a domain name`, path);
    }
    case 'url': {
      let url: URL | null = null;
      try {
        url = new URL(value);
      } catch {
        url = null;
      }
      if (!url || !['http:', 'https:', 'ftp:'].includes(url.protocol) || !url.hostname)
        return invalid('malformed-url', `'${value}' is not an http, https or ftp URL`, path);
      return ok(url.href);
    }
    case 'file-hash': {
      const hash = value.toLowerCase();
      return /^[0-9a-f]+$/.test(hash) && HASH_LENGTHS.has(hash.length)
        ? ok(hash)
        : invalid(
            'malformed-hash',
            `'${value}' is not an MD5, SHA-1, SHA-256 or SHA-512 hash in hexadecimal`,
            path,
          );
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      const local = value.slice(0, at);
      const domain = at > 0 ? canonicalDomain(value.slice(at + 1)) : null;
      if (!domain || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/.test(local) || /^\.|\.$|\.\./.test(local))
        return invalid('malformed-email', `'${value}' is not an e-mail address`, path);
      return ok(`${local}@${domain}`);
    }
  }
}

/**
 * Checks every observable and returns them canonical and each once (the same indicator reported twice
 * keeps the narrower marking). The first malformed one is refused with its path.
 */
export function canonicalObservables(
  observables: readonly Observable[],
  path = '/observables',
): Result<Observable[]> {
  const byKey = new Map<string, Observable>();
  for (const [i, o] of observables.entries()) {
    const value = canonical(o.type, o.value, `${path}/${i}/value`);
    if (!value.ok) return value;
    const key = observableKey({ type: o.type, value: value.value });
    const seen = byKey.get(key);
    byKey.set(key, { type: o.type, value: value.value, tlp: seen ? narrower(seen.tlp, o.tlp) : o.tlp });
  }
  return ok([...byKey.values()]);
}

export const observableKey = (o: Pick<Observable, 'type' | 'value'>): string => `${o.type}:${o.value}`;
