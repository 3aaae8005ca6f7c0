// k6 scenario: a provider's system asking the access check before it serves data, the load of
// `sharing-bench.mjs` (autocannon, 16 in flight) against a running platform, with the liveness
// endpoint as the baseline in the same run. On a machine with k6:
//
//   TOKEN=$(npm run --silent token -- --agency STNMT --roles integrator --ttl 2h)
//   k6 run -e TOKEN=$TOKEN -e HOLDER=SXD -e ENTRY_ID=<entry id> load-tests/k6/grant-check.js
//
// Environment: TOKEN (required: the entry's provider, the holder, DIC or an auditor), HOLDER (default SXD),
// ENTRY_ID (required), SERVICE_ID and FIELDS (optional, FIELDS comma-separated), BASE_URL (default
// http://127.0.0.1:8080), IN_FLIGHT (default 16), DURATION (default 1m), P99_MS threshold (default 500).
// Compare `http_req_duration{name:check}` with `{name:live}`: the check answers from memory, so the
// two should be close.
/* global __ENV, __VU */ // k6's globals
import http from 'k6/http';
import { check, fail } from 'k6';
import { closedLoad } from './lib/closed-load.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
if (!__ENV.TOKEN || !__ENV.ENTRY_ID) fail('set TOKEN and ENTRY_ID (see the comment at the top)');
const query = [
  `holder=${encodeURIComponent(__ENV.HOLDER || 'SXD')}`,
  `entryId=${encodeURIComponent(__ENV.ENTRY_ID)}`,
  ...(__ENV.SERVICE_ID ? [`serviceId=${encodeURIComponent(__ENV.SERVICE_ID)}`] : []),
  ...(__ENV.FIELDS ? [`fields=${encodeURIComponent(__ENV.FIELDS)}`] : []),
].join('&');
const auth = { headers: { authorization: `Bearer ${__ENV.TOKEN}` } };

export const options = closedLoad('checks');

// Half the virtual users ask the check, half the liveness endpoint, as the bench alternates the two.
export default function () {
  if (__VU % 2 === 0) {
    const r = http.get(`${BASE_URL}/sharing/grants/check?${query}`, { ...auth, tags: { name: 'check' } });
    check(r, {
      'check 200': (x) => x.status === 200,
      'check says how fresh': (x) => typeof x.json('asOf.sharingSeq') === 'number',
    });
  } else {
    const r = http.get(`${BASE_URL}/sharing/health/live`, { tags: { name: 'live' } });
    check(r, { 'live 200': (x) => x.status === 200 });
  }
}
