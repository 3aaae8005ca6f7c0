// Issue 12's performance goals, each read from the figures the runners wrote (`key` of lib/measure.mjs's
// results): the value measured, whether it is met, and when not, the figure of the same run that shows
// what bounds it. bench-summary.mjs prints them as the goals table; platform-bench.mjs reads its target.
import { fmtMs, fmtRate, fmtRatio } from './measure.mjs';

const SERVICES = ['audit', 'catalogue', 'incidents', 'opendata', 'sharing'];
const mb = (v) => `${v.toFixed(0)} MB`;

/**
 * `value(r)` reads the goal's figure from `r(key)` (a result, or undefined when its runner did not run or
 * failed); `show(v, r)` prints it; `met(v)` compares it; `bound(r)` names the same-run figure that shows
 * what holds it back.
 */
export const goals = [
  {
    id: 'intake-rate',
    goal: 'Intake end to end, events on different aggregates',
    target: 1_000,
    wanted: '≥ 1,000 events/s',
    value: (r) => r('catalogue.intake.rate')?.ours,
    show: (v) => `${fmtRate(v)} events/s`,
    met: (v) => v >= 1_000,
    bound: (r) =>
      `the store: one report is ~5 store and broker round trips, and a sequential POST's p50 is ${ms(r('catalogue.write.insert.p50')?.ours)} against ${ms(r('catalogue.write.insert.p50')?.baseline)} for one raw insertOne; without the store the intake machinery carries ${rate(r('intake.machinery.serial')?.ours)} events/s (intake-bench) and a bare consumer ${rate(r('catalogue.intake.rate')?.baseline)}/s`,
  },
  {
    id: 'intake-latency',
    goal: 'Intake, publish → its fact, at 200 events/s',
    target: 250,
    wanted: 'p99 ≤ 250 ms',
    value: (r) => r('catalogue.intake.paced.p99')?.ours,
    show: (v) => `p99 ${fmtMs(v)} ms`,
    met: (v) => v <= 250,
    bound: (r) =>
      `the arrival rate against what the catalogue handles: ${rate(r('catalogue.intake.rate')?.ours)} events/s end to end in bursts, so events queue (p50 at 200/s: ${ms(r('catalogue.intake.paced.p50')?.ours)})`,
  },
  {
    id: 'write-vs-insert',
    goal: 'HTTP write (POST /catalogue/error-reports), p50',
    target: 3,
    wanted: '≤ 3× a raw insertOne',
    value: (r) => r('catalogue.write.insert.p50')?.ratio,
    show: (v) => fmtRatio(v),
    met: (v) => v <= 3,
    bound: (r) =>
      `its store and broker round trips: entry read, insert with outbox, publish, outbox update; raw insertOne p50 ${ms(r('catalogue.write.insert.p50')?.baseline)}, the HTTP floor (health/live) ${ms(r('catalogue.write.live.p50')?.baseline)}, one guarded updateOne ${ms(r('catalogue.write.guarded.p50')?.ours)}`,
  },
  {
    id: 'write-growth',
    goal: 'HTTP write p50 as the collection grows 100×',
    target: 1.3,
    wanted: 'flat: ≤ 1.3×',
    value: (r) => r('catalogue.write.growth')?.ours,
    show: (v) => fmtRatio(v),
    met: (v) => v <= 1.3,
    bound: (r) =>
      `a raw insertOne grew ${fmtRatio(r('catalogue.write.growth')?.baseline)} in the same run (the store itself; few requests measured)`,
  },
  {
    id: 'sweep-rate',
    goal: 'Outbox sweep (recovery after a crash)',
    target: 2_000,
    wanted: '≥ 2,000 events/s',
    value: (r) => r('catalogue.sweep.rate')?.ours,
    show: (v) => `${fmtRate(v)} events/s`,
    met: (v) => v >= 2_000,
    bound: (r) =>
      `the store's cost per document (a read by _id and a bulk update each): publishing the same events alone runs at ${rate(r('catalogue.sweep.rate')?.baseline)} events/s, one sweep of 100 takes ${ms(r('catalogue.sweep.one.p50')?.ours)} against ${ms(r('catalogue.sweep.one.p50')?.baseline)}`,
  },
  {
    id: 'check-rate',
    goal: 'Grant check throughput, 16 in flight',
    target: 0.5,
    wanted: '≥ 0.5× the health endpoint',
    value: (r) => inverse(r('sharing.check')?.ratio),
    show: (v) => fmtRatio(v),
    met: (v) => v >= 0.5,
    bound: (r) =>
      `per request CPU: token verification, query validation and Nest's pipeline (${rate(r('sharing.check')?.ours)} against ${rate(r('sharing.check')?.baseline)} req/s); no store read on the path`,
  },
  {
    id: 'check-p99',
    goal: 'Grant check p99, 16 in flight',
    target: 10,
    wanted: 'p99 ≤ 10 ms',
    value: (r) => r('sharing.check.p99')?.ours,
    show: (v) => `${fmtMs(v)} ms`,
    met: (v) => v <= 10,
    bound: (r) =>
      `the machine: the bare health endpoint's own p99 is ${ms(r('sharing.check.p99')?.baseline)} in the same run`,
  },
  {
    id: 'audit-rate',
    goal: 'Audit recording',
    target: 2_000,
    wanted: '≥ 2,000 entries/s',
    value: (r) => r('audit.record.insertOne')?.ours,
    show: (v) => `${fmtRate(v)} entries/s`,
    met: (v) => v >= 2_000,
    bound: (r) =>
      `the store: insertMany of the same documents, 500 at a time, ran at ${rate(r('audit.record.insertMany')?.baseline)} entries/s`,
  },
  {
    id: 'audit-vs-insert',
    goal: 'Audit recording against raw single inserts',
    target: 1,
    wanted: '≥ 1× raw insertOne',
    value: (r) => inverse(r('audit.record.insertOne')?.ratio),
    show: (v) => fmtRatio(v),
    met: (v) => v >= 1,
    bound: (r) =>
      `raw insertOne ran at ${rate(r('audit.record.insertOne')?.baseline)} entries/s, recording at ${rate(r('audit.record.insertOne')?.ours)}`,
  },
  {
    id: 'verify-archive',
    goal: 'Verification of an archive file (one process), per CPU second',
    target: 100_000,
    wanted: '≥ 100,000 entries/s',
    value: (r) => r('audit.verify.archive.cpu')?.ours,
    show: (v, r) => `${fmtRate(v)} entries/s (wall clock ${rate(r('audit.verify.archive.wall')?.ours)}/s)`,
    met: (v) => v >= 100_000,
    bound: (r) =>
      `one core's JSON parsing, JCS and SHA-256 per entry: reading and parsing the lines alone runs at ${rate(r('audit.verify.archive.cpu')?.baseline)} entries/s (wall clock: ${rate(r('audit.verify.archive.wall')?.ours)} against ${rate(r('audit.verify.archive.wall')?.baseline)})`,
  },
  {
    id: 'verify-store',
    goal: 'Verification of the stored chain',
    target: 0.8,
    wanted: '≥ 0.8× a plain read of the store',
    value: (r) => inverse(r('audit.verify.store')?.ratio),
    show: (v) => fmtRatio(v),
    met: (v) => v >= 0.8,
    bound: (r) =>
      `${rate(r('audit.verify.store')?.ours)} entries/s verified against ${rate(r('audit.verify.store')?.baseline)} read`,
  },
  ...SERVICES.map((service) => ({
    id: `rss-idle-${service}`,
    goal: `${service}: resident memory idle`,
    target: 120,
    wanted: '≤ 120 MB',
    value: (r) => r(`platform.rss.${service}.idle`)?.ours,
    show: (v) => mb(v),
    met: (v) => v <= 120,
    bound: (r) =>
      `a bare node process holds ${opt(r('platform.rss.bare')?.ours, mb)}; the rest is the loaded code and V8 heap of Nest, mongoose, the NATS client, OpenTelemetry and the service (${opt(r(`platform.rss.${service}.idle`)?.baseline, mb)} without the V8 flags)`,
  })),
];

/** The goal `id` (or, for a family such as `rss-idle`, its first member). */
export function goalOf(id) {
  const goal = goals.find((g) => g.id === id || g.id.startsWith(`${id}-`));
  if (!goal) throw new Error(`no goal ${id}`);
  return goal;
}

/** Each goal against the results: [goal, wanted, measured, verdict, bound]. */
export function assess(results) {
  const byKey = new Map(results.filter((r) => r.key).map((r) => [r.key, r]));
  const r = (key) => byKey.get(key);
  return goals.map((g) => {
    const v = g.value(r);
    if (v === undefined || v === null) return { ...g, measured: 'not measured', verdict: '—', bound: '' };
    const met = g.met(v);
    return { ...g, measured: g.show(v, r), verdict: met ? 'met' : 'not met', bound: met ? '' : g.bound(r) };
  });
}

const opt = (v, f) => (v === undefined || v === null ? 'n/a' : f(v));
const rate = (v) => opt(v, fmtRate);
const ms = (v) => opt(v, (x) => `${fmtMs(x)} ms`);
const inverse = (v) => (v ? 1 / v : v);
