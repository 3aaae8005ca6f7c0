// k6 scenario: a provider's system asking the access check before it serves data, the load of
// `sharing-bench.mjs` (autocannon, 16 in flight) against a running platform, with the liveness
// endpoint as the baseline in the same run. On a machine with k6:
//
//   TOKEN=$(npm run --silent token -- --agency STNMT --roles integrator --ttl 2h)
//   k6 run -e TOKEN=$TOKEN -e ENTRY_ID=<entry id> -e SERVICE_ID=<service id> load-tests/k6/grant-check.js
//
// The request is the bench's: `holder=SXD&entryId=…&serviceId=…&fields=area`, 16 in flight, the check and
// the liveness endpoint in alternating rounds (lib/closed-load.js).
// Environment: TOKEN (required: the entry's provider, the holder, DIC or an auditor), ENTRY_ID and
// SERVICE_ID (required: a service of that entry with a grant to HOLDER), HOLDER (default SXD), FIELDS
// (comma-separated, default area), BASE_URL (default http://127.0.0.1:8080), IN_FLIGHT (default 16),
// DURATION per side and round (default 30s), ROUNDS (default 2), P99_MS threshold (default 500).
// Compare `http_req_duration{side:grantCheck}` with `{side:live}`: the check answers from memory, so the
// two should be close.
/* global __ENV */ // k6's global
import http from 'k6/http';
import { check, fail } from 'k6';
import { closedLoad } from './lib/closed-load.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
if (!__ENV.TOKEN || !__ENV.ENTRY_ID || !__ENV.SERVICE_ID)
  fail('set TOKEN, ENTRY_ID and SERVICE_ID (see the comment at the top)');
const query = [
  `holder=${encodeURIComponent(__ENV.HOLDER || 'SXD')}`,
  `entryId=${encodeURIComponent(__ENV.ENTRY_ID)}`,
  `serviceId=${encodeURIComponent(__ENV.SERVICE_ID)}`,
  `fields=${encodeURIComponent(__ENV.FIELDS || 'area')}`,
].join('&');
const auth = { headers: { authorization: `Bearer ${__ENV.TOKEN}` } };

export const options = closedLoad(['grantCheck', 'live']);

export function grantCheck() {
  const r = http.get(`${BASE_URL}/sharing/grants/check?${query}`, auth);
  check(r, {
    'check 200': (x) => x.status === 200,
    'check allows': (x) => x.json('allowed') === true,
    'check says how fresh': (x) => typeof x.json('asOf.sharingSeq') === 'number',
  });
}

export function live() {
  const r = http.get(`${BASE_URL}/sharing/health/live`);
  check(r, { 'live 200': (x) => x.status === 200 });
}
