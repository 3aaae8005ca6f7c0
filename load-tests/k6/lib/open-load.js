// Shared by the k6 scenarios: an open-model load (a constant arrival rate, whatever the answers'
// speed) with the same pass/fail thresholds, read from the environment.
/* global __ENV */ // k6's global
export const RATE = Number(__ENV.RATE || 20);
export const DURATION = __ENV.DURATION || '1m';
export const VUS = Number(__ENV.VUS || 20);
export const P95_MS = Number(__ENV.P95_MS || 500);

export function openLoad(scenario) {
  return {
    scenarios: {
      [scenario]: {
        executor: 'constant-arrival-rate',
        rate: RATE,
        timeUnit: '1s',
        duration: DURATION,
        preAllocatedVUs: VUS,
        maxVUs: VUS * 5,
      },
    },
    thresholds: {
      http_req_failed: ['rate<0.01'],
      http_req_duration: [`p(95)<${P95_MS}`],
      checks: ['rate>0.99'],
    },
    summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  };
}
