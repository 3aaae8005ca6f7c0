// What every benchmark runner does around its measurements: read its options, start one service in this
// process on its own engines, describe the store and the source, and clean up however the run ends.
// Import it after startTelemetry(): it loads the modules tracing instruments.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEngines } from '@openlgsp/testing';
import { startService } from '@openlgsp/http/testing';
import { log } from './measure.mjs';

const root = new URL('../../', import.meta.url);

/**
 * The runner's options: `--quick`, `--n=<count>` (default `n`, or `quickN` with --quick; at least `minN`),
 * when `only` lists the benchmarks' numbers, `--only=1,3`, and a `--<name>=<count>` for each of `counts`
 * (returned in `counts`, absent when not given). Bad usage exits 2, `--help` 0.
 */
export function parseOptions(script, { n, quickN, minN, only, counts = [] }) {
  const args = process.argv.slice(2);
  const usage = `usage: node load-tests/${script} [--quick] [--n=<count>]${only ? ` [--only=${only.join(',')}]` : ''}${counts.map((c) => ` [--${c}=<count>]`).join('')}\n`;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const onlyPattern = only ? `|only=[${only.join('')}](,[${only.join('')}])*` : '';
  const countsPattern = counts.map((c) => `|${c}=\\d+`).join('');
  for (const a of args) {
    if (!new RegExp(`^--(quick|n=\\d+${onlyPattern}${countsPattern})$`).test(a)) {
      process.stderr.write(`unknown argument ${a}; ${usage}`);
      process.exit(2);
    }
  }
  const quick = args.includes('--quick');
  const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const N = Number(option('n') ?? (quick ? quickN : n));
  if (!Number.isInteger(N) || N < minN) {
    process.stderr.write(`--n must be an integer >= ${minN}\n`);
    process.exit(2);
  }
  const given = Object.fromEntries(
    counts.filter((c) => option(c) !== undefined).map((c) => [c, Number(option(c))]),
  );
  for (const [c, v] of Object.entries(given)) {
    if (!Number.isInteger(v) || v < 1) {
      process.stderr.write(`--${c} must be an integer >= 1\n`);
      process.exit(2);
    }
  }
  return {
    quick,
    N,
    only: new Set((option('only') ?? only?.join(',') ?? '').split(',').map(Number)),
    counts: given,
  };
}

/** A W3C traceparent, as an event made inside a request carries. */
export const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

export function expectStatus(answer, status, what) {
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * Engines and `service` in this process (its package's AppModule unless `appModule` is given), with
 * production's outbox sweep interval and quiet logs unless `env` says otherwise. Ctrl-C: @openlgsp/testing
 * has already killed the engines (its handler runs first); the service cannot close without them, so only
 * startService's temporary key directory (named by AUTH_PUBLIC_KEY_FILE) is removed.
 */
export async function startBenchService({ service, appModule, env = {} }) {
  const engines = await startEngines();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: engines removed, exiting`);
      const keys = process.env.AUTH_PUBLIC_KEY_FILE && dirname(process.env.AUTH_PUBLIC_KEY_FILE);
      if (keys && dirname(keys) === os.tmpdir() && basename(keys).startsWith('lgsp-keys-'))
        rmSync(keys, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    return await startService({
      service,
      appModule: appModule ?? (async () => (await import(`@openlgsp/${service}-service`)).AppModule),
      engines,
      env: { OUTBOX_SWEEP_MS: '5000', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', ...env },
    });
  } catch (err) {
    await engines.stop();
    throw err;
  }
}

/** Stops the service and removes its engines. */
export async function stopBenchService(sut) {
  log(`stopping the service and removing the engines`);
  await sut.stop();
  await sut.engines.stop();
}

/** The store as the report names it: `FerretDB v1.24.2 (SQLite)`, or `mongod 8.0.4`. */
export async function storeName(engines, db) {
  const info = await db.admin().command({ buildInfo: 1 });
  return engines.mongo.engine === 'ferretdb'
    ? `FerretDB ${ferretVersion(info)} (SQLite)`
    : `${engines.mongo.engine} ${info.version}`;
}

function ferretVersion(info) {
  if (info.ferretdbVersion && info.ferretdbVersion !== 'unknown') return info.ferretdbVersion;
  try {
    const mod = readFileSync(new URL('deploy/local/engines/ferretdb/go.mod', root), 'utf8');
    return /FerretDB\/FerretDB (v\S+)/.exec(mod)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** The commit measured, with "+ uncommitted changes" when the tree is dirty. */
export function describeSource() {
  try {
    const git = (...a) =>
      execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `commit ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'commit unknown';
  }
}

/** Runs the runner's main; a failure is reported on stderr and exits 1 once everything is cleaned up. */
export async function run(main) {
  try {
    await main();
  } catch (err) {
    log(`failed: ${err?.stack ?? err}`);
    process.exitCode = 1;
  }
}
