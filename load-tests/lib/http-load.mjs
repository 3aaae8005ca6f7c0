// HTTP load with autocannon (closed model: `connections` requests in flight, `amount` in all), run in a
// child process so that the load generator does not share the event loop of the service it measures.
// The same load as the k6 scenarios in ../k6 (same paths, same concurrency) for operators who have k6.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const child = new URL('./http-load-child.mjs', import.meta.url).pathname;

/**
 * Runs `amount` requests with `connections` in flight; resolves to a sample `rateRow` and `latencyRow`
 * take (requests per second, p50/p99 ms as autocannon measures them). Any non-2xx answer fails the run.
 */
export async function httpLoad({ url, method, headers, body, connections = 16, amount }) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [child, JSON.stringify({ url, method, headers, body, connections, amount })],
    { maxBuffer: 64 * 2 ** 20 },
  );
  const r = JSON.parse(stdout);
  if (r.non2xx || r.errors || r.timeouts)
    throw new Error(
      `${method ?? 'GET'} ${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
    );
  const latency = { 50: r.latency.p50, 90: r.latency.p90, 99: r.latency.p99 };
  return {
    count: r.requests.total,
    ms: r.duration * 1000,
    opsPerSec: r.requests.total / r.duration,
    pct: (p) => latency[p] ?? NaN,
  };
}

/** Samples of several runs of one side, combined: total rate, and the worst run's percentiles. */
export function combine(samples) {
  const count = samples.reduce((s, x) => s + x.count, 0);
  const ms = samples.reduce((s, x) => s + x.ms, 0);
  return {
    count,
    ms,
    opsPerSec: (count / ms) * 1000,
    pct: (p) => Math.max(...samples.map((s) => s.pct(p))),
  };
}
