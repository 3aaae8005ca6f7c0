import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { listensOn } from './ports.js';

export type EngineKind =
  'nats-server' | 'ferretdb' | 'mongod' | 'gofakes3' | 'jaeger' | 'external' | 'service';

/** One engine of a test suite. */
export interface EngineProcess {
  readonly engine: EngineKind;
  /** True while the process is up (always true for an external server). */
  readonly running: boolean;
  /** Its data directory; undefined for an external server. */
  readonly dir: string | undefined;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s); port and data are kept for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory, and waits until it answers. */
  start(): Promise<void>;
  /** `kill -9`: no shutdown at all, as a crash; port and data are kept for start(). */
  kill(): Promise<void>;
  /**
   * SIGSTOP: the process is frozen, its connections stay open and nothing answers (a stalled
   * server, not a crashed one) until `resume()` (SIGCONT).
   */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Its operating-system process id while running (for its memory, say); undefined otherwise. */
  readonly pid: number | undefined;
}

/** An engine started on its own by startNats() or startMongo(). */
export interface StartedEngine extends EngineProcess {
  readonly url: string;
  /** Stops the process and removes its temporary directory. */
  dispose(): Promise<void>;
}

// ---- cleanup when the test process ends without stopping its engines ----

const liveChildren = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let cleanupInstalled = false;

function cleanupSync(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  ownedDirs.clear();
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupSync();
      // Nobody else handles it: behave as if we had not listened (terminate by that signal).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** A new directory os.tmpdir()/lgsp-<name>-XXXXXX, removed when the test process exits at the latest. */
export function makeTempDir(name: string): string {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), `lgsp-${name}-`));
  ownedDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  ownedDirs.delete(dir);
}

// ---- a child-process engine ----

/** Whether every thread of `pid` is stopped (state T in /proc); true where /proc cannot be read. */
function allThreadsStopped(pid: number): boolean {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  return threads.every((tid) => {
    try {
      // …/stat is "tid (comm) S …": the state follows the last ')' (comm may hold spaces or parens).
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return /^[Tt]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return true; // the thread ended
    }
  });
}

export interface ChildEngineOptions {
  engine: EngineKind;
  command: string;
  args: string[];
  url: string;
  /** Data directory (passed in args). */
  dir: string;
  /** Temporary directory owned by this engine: holds stderr.log, removed by dispose(). */
  tempDir: string;
  /** Added to this process's environment for the child. */
  env?: Record<string, string>;
  /** Removed from the child's environment. */
  unsetEnv?: string[];
  /** Resolves once the engine serves clients; throws (quickly) while it does not. */
  probe: () => Promise<void>;
  startTimeoutMs?: number;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function describeExit(exit: Exit): string {
  if (exit.error) return `could not be started: ${exit.error.message}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export class ChildEngine implements StartedEngine {
  readonly engine: EngineKind;
  readonly url: string;
  readonly dir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private disposed = false;

  constructor(private readonly options: ChildEngineOptions) {
    this.engine = options.engine;
    this.url = options.url;
    this.dir = options.dir;
    this.logFile = join(options.tempDir, 'stderr.log');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.disposed) throw new Error(`${this.engine} (${this.url}) was disposed`);
    if (this.running) return;
    const { command, args } = this.options;
    installCleanup();

    const log = openSync(this.logFile, 'a');
    writeSync(log, `--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    const env = { ...process.env, ...this.options.env };
    for (const name of this.options.unsetEnv ?? []) delete env[name];
    const child = spawn(command, args, { stdio: ['ignore', log, log], env });
    closeSync(log);
    liveChildren.add(child);
    this.child = child;
    this.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
    }).then((exit) => {
      liveChildren.delete(child);
      return exit;
    });

    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      const outcome = await Promise.race([
        this.exited.then((exit) => ({ exit })),
        this.options.probe().then(
          () => ({ ready: true as const }),
          (error: unknown) => ({ error }),
        ),
      ]);
      if ('exit' in outcome) throw this.failure(describeExit(outcome.exit) + ' before it was ready');
      if ('ready' in outcome && this.running) {
        // The answer may come from another process that took the port while this one was down.
        if (this.answersItself(child)) break;
        lastError = `another process listens on ${this.url}`;
      }
      if ('error' in outcome) lastError = outcome.error;
      if (Date.now() > deadline) {
        await this.stop();
        throw this.failure(`did not answer within ${timeoutMs} ms (last probe: ${String(lastError)})`);
      }
      await delay(50);
    }
    // A test that forgets stop() must not hang on this child: the 'exit' handler kills it.
    child.unref();
  }

  private answersItself(child: ChildProcess): boolean {
    const port = Number(/:(\d+)(?:[/?]|$)/.exec(this.url)?.[1]);
    if (!child.pid || !port) return true;
    return listensOn(child.pid, port) !== false;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) {
      child.ref(); // keep the event loop alive until it is gone
      child.kill('SIGCONT'); // a paused process would not act on SIGTERM
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(kill);
    }
    await this.exited;
    if (this.child === child) this.child = undefined;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) {
      child.ref();
      child.kill('SIGKILL');
    }
    await this.exited;
    if (this.child === child) this.child = undefined;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  async pause(): Promise<void> {
    if (!this.running) throw new Error(`${this.engine} (${this.url}) is not running`);
    const pid = this.child!.pid!;
    this.child!.kill('SIGSTOP');
    // kill() returns once the stop is sent; each thread stops when the kernel next runs it, and on a
    // loaded machine one can still answer a request first. Frozen means every thread has stopped.
    const deadline = Date.now() + 5_000;
    while (!allThreadsStopped(pid)) {
      if (Date.now() > deadline) throw new Error(`${this.engine} (${this.url}) did not stop within 5 s`);
      await delay(2);
    }
  }

  async resume(): Promise<void> {
    if (this.running) this.child!.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stop();
    this.disposed = true;
    await removeTempDir(this.options.tempDir);
  }

  private failure(what: string): Error {
    let tail = '';
    try {
      tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n').slice(-6_000);
    } catch {
      tail = '(no output captured)';
    }
    return new Error(
      `${this.engine} (${this.url}) ${what}.\n` +
        `  command: ${this.options.command} ${this.options.args.join(' ')}\n` +
        `  --- end of ${this.logFile} ---\n${tail}`,
    );
  }
}

/** Starts a new engine; if it does not come up, removes what it left and rethrows. */
export async function startOrDispose<E extends ChildEngine>(engine: E, tempDir: string): Promise<E> {
  try {
    await engine.start();
  } catch (error) {
    await engine.dispose().catch(() => removeTempDir(tempDir));
    throw error;
  }
  return engine;
}
