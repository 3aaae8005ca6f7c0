import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** The default NATS and MongoDB ports: shared servers may live there, so they are never handed out. */
const RESERVED = new Set([4222, 27017]);

/** Where handed-out ports start: above the registered services most machines run. */
const LOWEST = 10_000;

/**
 * The first port of the kernel's ephemeral range (the ports it gives outgoing connections and
 * `listen(0)`), 32768 when it cannot be read.
 */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > LOWEST + 1_000 ? port : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, chosen at random below the ephemeral
 * range. An engine that a test stops and restarts keeps its port, and while it is down an
 * ephemeral port would be free for the kernel to give any outgoing connection or `listen(0)` on the
 * machine: the restarted engine could then not bind it, and the test would talk to whatever took
 * it. Below the ephemeral range only another `freePort` caller can take it, one chance in ~20,000.
 */
export async function freePort(): Promise<number> {
  const top = ephemeralStart();
  for (let tries = 0; ; tries++) {
    const port = LOWEST + Math.floor(Math.random() * (top - LOWEST));
    if (RESERVED.has(port)) continue;
    if (await bindable(port)) return port;
    if (tries > 1_000) throw new Error(`no free port on 127.0.0.1 between ${LOWEST} and ${top}`);
  }
}

/** The socket inodes listening on `port` (any address), from the kernel's tables; undefined off Linux. */
function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let read = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
      read = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // cols[3] is the state: 0A is LISTEN; cols[9] the socket's inode.
      if (local && cols[3] === '0A' && parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port)
        inodes.add(cols[9]!);
    }
  }
  return read ? inodes : undefined;
}

/**
 * Whether the process `pid` is the one listening on `port` of this machine: true or false on Linux,
 * undefined where the kernel's tables cannot be read. An engine restarted on its old port answers
 * its probe through whatever listens there, so the harness asks this before trusting the answer.
 */
export function listensOn(pid: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  if (inodes === undefined) return undefined;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}
