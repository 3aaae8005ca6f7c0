import ipaddr from 'ipaddr.js';

/** Cloud instance-metadata endpoints (AWS, GCP, Azure, OpenStack; AWS's IPv6 one). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

export type AddressVerdict =
  { allowed: true; address: string } | { allowed: false; address: string; range: string };

/**
 * Whether the platform may connect to an IP address on its own: only global unicast addresses.
 * Everything ipaddr.js names a special range is refused — unspecified, loopback, private,
 * link-local, multicast, broadcast, carrier-grade NAT, unique-local, reserved and documentation
 * ranges, NAT64/6to4/Teredo (they can reach IPv4 addresses behind them) — and an IPv4-mapped IPv6
 * address is judged as the IPv4 address it carries.
 */
export function classifyAddress(address: string): AddressVerdict {
  // Strictly four-part IPv4 (no legacy `1.2.3`): the URL parser has already normalised hosts.
  if (ipVersion(address) === 0) return { allowed: false, address, range: 'not an IP address' };
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const normalized = parsed.toString();
  if (METADATA.has(normalized)) return { allowed: false, address, range: 'cloud metadata' };
  const range = parsed.range();
  return range === 'unicast' ? { allowed: true, address } : { allowed: false, address, range };
}

/** 4 or 6 for an IP literal, 0 for anything else (a host name). */
export function ipVersion(host: string): 0 | 4 | 6 {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return 4;
  if (ipaddr.IPv6.isValid(host)) return 6;
  return 0;
}
