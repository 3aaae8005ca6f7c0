import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import type { CheckedUrl } from './check-url.js';

export interface ConnectionPoolOptions {
  /** Origins (each with its pinned addresses) kept at once; the least recently used goes first. */
  maxOrigins?: number;
  /** Connections per origin. */
  connectionsPerOrigin?: number;
  /** An origin unused this long has its connections closed. */
  idleMs?: number;
}

interface Entry {
  agent: Agent;
  idle: NodeJS.Timeout;
}

/**
 * Keep-alive connections for safeFetch(), reused per origin AND the addresses its check pinned:
 * a call whose check resolves to other addresses gets other connections, so reuse never lets a
 * request reach an address that was not checked for it. Every call is still checked (DNS and the
 * SSRF guard, and each redirect hop) before a pooled connection is used. Bounded in origins, closed
 * when idle; `close()` when the caller stops (a webhook worker, a test).
 */
export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly maxOrigins: number;
  private readonly connections: number;
  private readonly idleMs: number;
  private closed = false;

  constructor(options: ConnectionPoolOptions = {}) {
    this.maxOrigins = options.maxOrigins ?? 256;
    this.connections = options.connectionsPerOrigin ?? 8;
    this.idleMs = options.idleMs ?? 30_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The dispatcher for a checked target; connections go to its checked addresses only. */
  agentFor(target: CheckedUrl, connectTimeoutMs: number): Agent {
    if (this.closed) throw new Error('the connection pool is closed');
    const key = keyOf(target, connectTimeoutMs);
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last, so eviction takes the oldest first.
      this.entries.delete(key);
      this.entries.set(key, found);
      found.idle.refresh();
      return found.agent;
    }
    while (this.entries.size >= this.maxOrigins) this.evict(this.entries.keys().next().value!);
    const agent = pinnedAgent(target, connectTimeoutMs, {
      connections: this.connections,
      keepAliveTimeout: Math.min(this.idleMs, 60_000),
    });
    const idle = setTimeout(() => this.evict(key), this.idleMs);
    idle.unref();
    this.entries.set(key, { agent, idle });
    return agent;
  }

  async close(): Promise<void> {
    this.closed = true;
    const agents = [...this.entries.values()].map((e) => {
      clearTimeout(e.idle);
      return e.agent;
    });
    this.entries.clear();
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    clearTimeout(entry.idle);
    // In-flight requests finish; the connections close after them.
    entry.agent.close().catch(() => undefined);
  }
}

function keyOf(target: CheckedUrl, connectTimeoutMs: number): string {
  const addresses = target.addresses.map((a) => `${a.family}/${a.address}`).join(',');
  return `${target.url.protocol}//${target.hostname.toLowerCase()}:${target.port}|${addresses}|${connectTimeoutMs}`;
}

/**
 * A dispatcher whose connections go to the checked addresses only: its lookup answers from the
 * check instead of asking DNS again. (An IP literal is connected to directly; it was checked.)
 */
export function pinnedAgent(
  target: CheckedUrl,
  connectTimeoutMs: number,
  options: { connections: number; keepAliveTimeout?: number } = { connections: 1 },
): Agent {
  const lookup = ((hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (hostname.toLowerCase() !== target.hostname.toLowerCase()) {
      callback(new Error(`connection to ${hostname} was not checked`));
      return;
    }
    if (opts.all) callback(null, target.addresses satisfies LookupAddress[]);
    else callback(null, target.addresses[0]!.address, target.addresses[0]!.family);
  }) as unknown as LookupFunction;
  return new Agent({
    connect: { lookup, timeout: connectTimeoutMs },
    connections: options.connections,
    ...(options.keepAliveTimeout ? { keepAliveTimeout: options.keepAliveTimeout } : {}),
  });
}
