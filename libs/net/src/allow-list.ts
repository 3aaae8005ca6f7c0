import ipaddr from 'ipaddr.js';
import { ipVersion } from './address.js';

/**
 * Targets configuration lets the platform call although they are not public: a host name
 * (`receiver.internal`), an address (`10.1.2.3`, `::1`), a CIDR block (`10.20.0.0/16`), each
 * optionally with a port (`receiver.internal:8443`, `127.0.0.1:4010`, `[::1]:4010`; no port on
 * a CIDR). A host-name entry trusts what that name resolves to; an address or CIDR entry lets
 * through those addresses whatever name led to them.
 */
export class AllowList {
  private constructor(
    private readonly hosts: readonly { host: string; port?: number }[],
    private readonly blocks: readonly { block: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: number }[],
    readonly entries: readonly string[],
  ) {}

  static readonly empty = new AllowList([], [], []);

  /** Parses the entries; a malformed one throws (a configuration error stops the start). */
  static parse(entries: readonly string[]): AllowList {
    const hosts: { host: string; port?: number }[] = [];
    const blocks: { block: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: number }[] = [];
    const kept: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (!entry) continue;
      kept.push(entry);
      if (entry.includes('/')) {
        try {
          blocks.push({ block: ipaddr.parseCIDR(entry) });
        } catch {
          throw new Error(`allow-list entry ${JSON.stringify(entry)} is not a CIDR block`);
        }
        continue;
      }
      const { host, port } = splitHostPort(entry);
      if (ipVersion(host) !== 0) {
        const address = ipaddr.process(host);
        blocks.push({ block: [address, address.kind() === 'ipv4' ? 32 : 128], port });
      } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(host)) {
        hosts.push({ host: host.toLowerCase(), port });
      } else {
        throw new Error(`allow-list entry ${JSON.stringify(entry)} is not a host, address or CIDR block`);
      }
    }
    return new AllowList(hosts, blocks, kept);
  }

  /** Is this host name (as in the URL) allow-listed for this port? */
  allowsHost(host: string, port: number): boolean {
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.hosts.some(
      (entry) => entry.host === name && (entry.port === undefined || entry.port === port),
    );
  }

  /** Is this address allow-listed for this port? */
  allowsAddress(address: string, port: number): boolean {
    if (ipVersion(address) === 0) return false;
    const parsed = ipaddr.process(address);
    return this.blocks.some(
      ({ block, port: only }) =>
        parsed.kind() === block[0].kind() && parsed.match(block) && (only === undefined || only === port),
    );
  }
}

function splitHostPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: portOf(entry, bracketed[2]) };
  // A bare IPv6 address has several colons and no port.
  if ((entry.match(/:/g) ?? []).length > 1) return { host: entry };
  const [host, port] = entry.split(':');
  return { host: host!, port: portOf(entry, port) };
}

function portOf(entry: string, port: string | undefined): number | undefined {
  if (port === undefined) return undefined;
  const value = Number(port);
  if (!/^\d+$/.test(port) || value < 1 || value > 65_535)
    throw new Error(`allow-list entry ${JSON.stringify(entry)} has a bad port`);
  return value;
}
