// Shared by the k6 scenarios that match the autocannon runs of `npm run bench`: a closed-model load
// (IN_FLIGHT virtual users, each sending its next request when the last was answered — autocannon's
// connections) on each side of a comparison in turn, in alternating rounds (A B, then B A), as the bench
// runs ours and its baseline: each side has all IN_FLIGHT requests in flight, never shared with the
// other. Same pass/fail thresholds as the open-model scenarios.
/* global __ENV */ // k6's global
export const IN_FLIGHT = Number(__ENV.IN_FLIGHT || 16);
/** Per side and round. */
export const DURATION = __ENV.DURATION || '30s';
export const ROUNDS = Number(__ENV.ROUNDS || 2);
export const P99_MS = Number(__ENV.P99_MS || 500);
const PAUSE_S = 5; // between rounds: the last requests of one side end before the next side starts

function seconds(duration) {
  const m = /^(\d+)(s|m|h)$/.exec(duration);
  if (!m) throw new Error(`DURATION must look like 30s, 2m or 1h, not ${duration}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2]];
}

/** `sides` name the script's exported functions, e.g. ['write', 'live']; their metrics are tagged `side`. */
export function closedLoad(sides) {
  const scenarios = {};
  let start = 0;
  for (let round = 0; round < ROUNDS; round++)
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      scenarios[`${side}_${round + 1}`] = {
        executor: 'constant-vus',
        exec: side,
        vus: IN_FLIGHT,
        duration: DURATION,
        startTime: `${start}s`,
        gracefulStop: `${PAUSE_S}s`,
        tags: { side },
      };
      start += seconds(DURATION) + PAUSE_S;
    }
  return {
    scenarios,
    thresholds: {
      http_req_failed: ['rate<0.01'],
      http_req_duration: [`p(99)<${P99_MS}`],
      checks: ['rate>0.99'],
      // one line per side in the summary
      ...Object.fromEntries(sides.map((side) => [`http_req_duration{side:${side}}`, [`p(99)<${P99_MS}`]])),
    },
    summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  };
}
