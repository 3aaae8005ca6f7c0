#!/usr/bin/env node
// The last step of `npm run bench`: one Markdown table of every runner's rows (from the JSON each wrote in
// .lgsp/bench/), grouped by service, under one line saying when, on what machine and engines, under
// what load and for how long; then issue 12's goals, met or not, and for those not met the figure of the
// same run that shows what bounds them (lib/goals.mjs). Printed, and written to .lgsp/bench/summary.md.
//
//   node load-tests/bench-summary.mjs --begin    before the runners: forgets the last run's rows, notes
//                                                the time and the load average
//   node load-tests/bench-summary.mjs            after them: composes the summary
import os from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, machine } from './lib/measure.mjs';
import { assess } from './lib/goals.mjs';

/** The runners in the order of the table, with the service or path they measure. */
const GROUPS = [
  ['catalogue-bench', 'catalogue'],
  ['intake-bench', 'events: intake machinery'],
  ['sharing-bench', 'sharing'],
  ['audit-bench', 'audit'],
  ['incidents-bench', 'incidents'],
  ['feed-bench', 'opendata: change feed'],
  ['opendata-bench', 'opendata: search'],
  ['opendata-upload-bench', 'opendata: upload'],
  ['platform-bench', 'platform: every service as `npm start` runs it'],
];
const runFile = join(benchDir, 'run.json');
const args = process.argv.slice(2);

if (args.includes('--begin')) {
  rmSync(benchDir, { recursive: true, force: true });
  mkdirSync(benchDir, { recursive: true });
  const run = { startedAt: new Date().toISOString(), loadStart: os.loadavg()[0], args: args.slice(1) };
  writeFileSync(runFile, `${JSON.stringify(run, null, 2)}\n`);
  process.exit(0);
}

const run = existsSync(runFile)
  ? JSON.parse(readFileSync(runFile, 'utf8'))
  : { startedAt: null, loadStart: null, args: [] };
const reports = new Map(
  readdirSync(benchDir)
    .filter((f) => f.endsWith('-bench.json'))
    .map((f) => JSON.parse(readFileSync(join(benchDir, f), 'utf8')))
    .map((r) => [r.script, r]),
);
if (reports.size === 0) {
  process.stderr.write(`no runner's rows in ${benchDir}: run the benchmarks first (npm run bench)\n`);
  process.exit(1);
}

const all = [...reports.values()];
const m = machine();
// The engines' versions from the first runner that used them (the intake machinery's has no store).
const first = (field) =>
  GROUPS.map(([s]) => reports.get(s)?.[field]).find((v) => v && v !== 'no store') ?? '?';
const loadEnd = os.loadavg()[0];
const seconds = run.startedAt ? (Date.now() - Date.parse(run.startedAt)) / 1000 : NaN;
const minutes = (s) => (Number.isFinite(s) ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : '?');
const cell = (v) => String(v).replaceAll('|', '\\|');

const out = [];
out.push(
  `## \`npm run bench${run.args.length ? ` -- ${run.args.join(' ')}` : ''}\` — ${(run.startedAt ?? all[0].finishedAt).slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Machine: ${m.cores} × ${m.cpu}, ${m.ramGiB} GiB RAM, ${m.os}. Node ${m.node}; nats-server ${first('nats')}; ${first('store')}. ` +
    `Load average (1 min): ${run.loadStart?.toFixed(2) ?? '?'} at the start, ${loadEnd.toFixed(2)} at the end. ` +
    `Total duration: ${minutes(seconds)}.`,
  '',
  "Each figure beside a baseline measured in the same run on the same engines. Ratio: how many times the baseline's cost ours takes (baseline ÷ ours for rates, ours ÷ baseline for times); 1.0× = no overhead.",
  '',
  '| service / path | benchmark | ours | baseline | ratio |',
  '|---|---|--:|--:|--:|',
);
for (const [script, group] of GROUPS) {
  const report = reports.get(script);
  if (!report) {
    out.push(`| ${group} | _no figures: \`${script}.mjs\` did not run or failed (see its output)_ | | | |`);
    continue;
  }
  report.table.forEach((row, i) =>
    out.push(`| ${i === 0 ? `**${group}**` : ''} | ${row.map(cell).join(' | ')} |`),
  );
}
out.push(
  '',
  `Runners (time; load average at start → end): ${GROUPS.filter(([s]) => reports.has(s))
    .map(([s]) => {
      const r = reports.get(s);
      return `${s} ${r.durationS.toFixed(0)} s (${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)})`;
    })
    .join('; ')}.`,
  '',
  '### Goals (issue 12)',
  '',
  '| goal | wanted | measured | met? | what bounds it (same run) |',
  '|---|---|--:|---|---|',
  ...assess(all.flatMap((r) => r.results)).map(
    (g) => `| ${g.goal} | ${cell(g.wanted)} | ${cell(g.measured)} | ${g.verdict} | ${cell(g.bound)} |`,
  ),
  '',
);
const text = out.join('\n');
writeFileSync(join(benchDir, 'summary.md'), text);
process.stdout.write(`\n${text}`);
process.stderr.write(`[bench] summary written to ${join(benchDir, 'summary.md')}\n`);
