// Measuring helpers shared by the benchmark runners (<service>-bench.mjs): same-run alternation of ours
// and a baseline, percentiles, the Markdown rows they print and the JSON of the same rows that
// bench-summary.mjs composes into one table.
import v8 from 'node:v8';
import vm from 'node:vm';
import os from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------------
// Measuring

// Forced GC before each heap reading, so that figures compare like with like.
v8.setFlagsFromString('--expose-gc');
const forceGc = vm.runInNewContext('gc');
export function heapMb() {
  forceGc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** Runs `op(i)` for i < count with `concurrency` in flight: the wall time and each op's latency (ms). */
export async function runOps(count, concurrency, op) {
  const latencies = new Float64Array(count);
  let next = 0;
  const started = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t = performance.now();
      await op(i);
      latencies[i] = performance.now() - t;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { ms: performance.now() - started, latencies };
}

/** The timed runs of one side of a comparison. */
export class Sample {
  count = 0;
  ms = 0;
  latencies = [];
  /** One timed run: wall time, its ops' latencies (if meaningful), how many ops (default: one per latency). */
  add({ ms, latencies, count }) {
    this.count += count ?? latencies.length;
    this.ms += ms;
    if (latencies) for (const l of latencies) this.latencies.push(l);
    return this;
  }
  get opsPerSec() {
    return (this.count / this.ms) * 1000;
  }
  pct(p) {
    return percentile(Float64Array.from(this.latencies).sort(), p);
  }
}

/** Runs the sides in alternating order, round after round: A B C, C B A, A B C… */
export async function alternate(rounds, sides) {
  const names = Object.keys(sides);
  const samples = Object.fromEntries(names.map((n) => [n, new Sample()]));
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) samples[name].add(await sides[name](r));
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------------
// Results

export const rows = [];
/** The same rows as numbers, keyed where a goal of issue 12 reads them (lib/goals.mjs). */
export const results = [];
export const heap = [];
export const notes = [];
export const int = (v) => Math.round(v).toLocaleString('en-US');
export const fmtRate = (v) => (Number.isFinite(v) ? int(v) : 'n/a');
export const fmtMs = (v) =>
  !Number.isFinite(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
export const fmtRatio = (v) => (Number.isFinite(v) ? `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×` : 'n/a');

const finite = (v) => (Number.isFinite(v) ? v : null);

/** One measured figure for the JSON: `key` names it for the goals, when one reads it. */
export function result({ key, benchmark, unit, ours, baseline = null, ratio = null }) {
  results.push({
    ...(key ? { key } : {}),
    benchmark,
    unit,
    ours: finite(ours),
    baseline: finite(baseline),
    ratio: finite(ratio),
  });
}

/** A throughput row; ratio = baseline ÷ ours (how many times the baseline's cost ours takes). */
export function rateRow(label, ours, baseline, unit, key) {
  rows.push([`${label} — ${unit}`, fmtRate(ours), fmtRate(baseline), fmtRatio(baseline / ours)]);
  result({ key, benchmark: label, unit, ours, baseline, ratio: baseline / ours });
}
/** A latency row, p50 / p99; ratio = ours ÷ baseline. `key` names its figures `<key>.p50`, `<key>.p99`. */
export function latencyRow(label, ours, baseline, pcts = [50, 99], key) {
  const show = (s) => pcts.map((p) => fmtMs(s.pct(p))).join(' / ');
  rows.push([
    `${label} — ${pcts.map((p) => `p${p}`).join(' / ')} ms`,
    show(ours),
    baseline ? show(baseline) : '—',
    baseline ? pcts.map((p) => fmtRatio(ours.pct(p) / baseline.pct(p))).join(' / ') : '—',
  ]);
  for (const p of pcts)
    result({
      key: key && `${key}.p${p}`,
      benchmark: `${label} — p${p}`,
      unit: 'ms',
      ours: ours.pct(p),
      baseline: baseline?.pct(p),
      ratio: baseline ? ours.pct(p) / baseline.pct(p) : null,
    });
}

export async function section(name, body) {
  const before = heapMb();
  const t = performance.now();
  log(`${name}…`);
  await body();
  heap.push([name.split(' ')[0], before, heapMb()]);
  log(`${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** The machine, the engines and the load, for the JSON beside the report (set by machineLine). */
const context = { nats: null, store: null, loadStart: os.loadavg()[0] };

/** What the JSON and the summary say of the machine. */
export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'cpu',
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The machine and its load, the same line in every runner's report. */
export function machineLine({ nats, store, loadStart }) {
  Object.assign(context, { nats: nats ?? null, store, loadStart });
  const cpus = os.cpus();
  return (
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}; ` +
    `Node ${process.version}; nats-server ${nats ?? '?'}; ${store}. ` +
    `Load average (1 min): ${loadStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end.`
  );
}

/** Prints a runner's report on stdout: title, context lines, the table of `rows`, heap, `notes`, time. */
export function printReport({ title, context, heapLine, startedAt }) {
  const out = [
    title,
    '',
    ...context,
    "Ratio: how many times the baseline's cost ours takes (baseline ÷ ours for rates, ours ÷ baseline for times); 1.0× = no overhead.",
    '',
    '| benchmark | ours | baseline | ratio |',
    '|---|--:|--:|--:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    heapLine,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `Run time: ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  writeResults({ title, startedAt });
}

/**
 * Where the runners write their rows as JSON, read once at start: a service under test may change
 * LGSP_DATA in this process (the audit bench gives it a temporary one).
 */
export const benchDir =
  process.env.LGSP_BENCH_DIR ??
  join(process.env.LGSP_DATA ?? fileURLToPath(new URL('../../.lgsp', import.meta.url)), 'bench');

/** `<benchDir>/<runner>.json`: the report's rows as numbers and as printed, with the machine and load. */
function writeResults({ title, startedAt }) {
  const script = basename(process.argv[1] ?? 'bench.mjs', '.mjs');
  mkdirSync(benchDir, { recursive: true });
  const file = join(benchDir, `${script}.json`);
  const report = {
    script,
    title: title.replace(/^#+\s*/, ''),
    finishedAt: new Date().toISOString(),
    durationS: Number(((performance.now() - startedAt) / 1000).toFixed(1)),
    machine: machine(),
    nats: context.nats,
    store: context.store,
    loadAverage: { start: context.loadStart, end: os.loadavg()[0] },
    results,
    table: rows,
    notes,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`rows written to ${file}`);
}
