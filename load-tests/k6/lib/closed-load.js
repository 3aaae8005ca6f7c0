// Shared by the k6 scenarios that match the autocannon runs of `npm run bench`: a closed-model load
// (IN_FLIGHT virtual users, each sending its next request when the last was answered — autocannon's
// connections), with the same pass/fail thresholds as the open-model scenarios.
/* global __ENV */ // k6's global
export const IN_FLIGHT = Number(__ENV.IN_FLIGHT || 16);
export const DURATION = __ENV.DURATION || '1m';
export const P99_MS = Number(__ENV.P99_MS || 500);

export function closedLoad(scenario) {
  return {
    scenarios: { [scenario]: { executor: 'constant-vus', vus: IN_FLIGHT, duration: DURATION } },
    thresholds: {
      http_req_failed: ['rate<0.01'],
      http_req_duration: [`p(99)<${P99_MS}`],
      checks: ['rate>0.99'],
    },
    summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  };
}
