import { lookup } from 'node:dns/promises';
import { classifyAddress, ipVersion } from './address.js';
import { AllowList } from './allow-list.js';
import { OutboundRequestError, SsrfRefusedError } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into every address it has (injected by tests; the system resolver otherwise). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system's resolver (hosts file, then DNS), every address of the name. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface GuardOptions {
  /** Targets let through although not public (tests allow-list their local receiver). */
  allow?: AllowList | readonly string[];
  resolve?: Resolver;
}

/** A URL found safe to call, with the addresses a connection to it must use (and only those). */
export interface CheckedUrl {
  url: URL;
  /** The host as a connection sees it (an IPv6 literal without brackets). */
  hostname: string;
  port: number;
  addresses: ResolvedAddress[];
}

export function toAllowList(allow: GuardOptions['allow']): AllowList {
  if (allow instanceof AllowList) return allow;
  return allow?.length ? AllowList.parse(allow) : AllowList.empty;
}

/**
 * Checks a URL the platform is about to call: http(s) only, no credentials in it, and every
 * address its host resolves to must be public (classifyAddress) or allow-listed. Throws
 * SsrfRefusedError saying why not; OutboundRequestError('unreachable') when the name does not
 * resolve. Connect only to the returned addresses (safeFetch does), or a second resolution could
 * give another answer (DNS rebinding).
 */
export async function checkUrl(input: string | URL, options: GuardOptions = {}): Promise<CheckedUrl> {
  const text = String(input);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SsrfRefusedError(text, 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SsrfRefusedError(text, `the scheme ${url.protocol.slice(0, -1)} is not http or https`);
  if (url.username || url.password) throw new SsrfRefusedError(text, 'the URL carries credentials');

  const allow = toAllowList(options.allow);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const version = ipVersion(hostname);

  if (version !== 0) {
    refuseUnlessAllowed(text, allow, hostname, port, hostname);
    return { url, hostname, port, addresses: [{ address: hostname, family: version }] };
  }

  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.resolve ?? systemResolver)(hostname);
  } catch (error) {
    throw new OutboundRequestError('unreachable', text, `${hostname} does not resolve`, { cause: error });
  }
  if (addresses.length === 0)
    throw new OutboundRequestError('unreachable', text, `${hostname} has no address`);
  // A host name on the allow-list is trusted with whatever it resolves to.
  if (!allow.allowsHost(hostname, port)) {
    for (const { address } of addresses) refuseUnlessAllowed(text, allow, address, port, hostname);
  }
  return { url, hostname, port, addresses };
}

function refuseUnlessAllowed(
  url: string,
  allow: AllowList,
  address: string,
  port: number,
  hostname: string,
): void {
  if (allow.allowsAddress(address, port)) return;
  const verdict = classifyAddress(address);
  if (verdict.allowed) return;
  const target = address === hostname ? address : `${hostname} resolves to ${address}, which`;
  throw new SsrfRefusedError(
    url,
    `${target} is ${verdict.range}, not a public address, and not allow-listed`,
  );
}
