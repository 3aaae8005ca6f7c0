// k6 scenario: HTTP writes with 16 in flight, the load of `platform-bench.mjs` (autocannon) against a
// running platform: each request opens an error report about a listed entry (`POST
// /catalogue/error-reports`, 201, the bench's body), 16 in flight, in alternating rounds with the
// liveness endpoint as the baseline (lib/closed-load.js).
// On a machine with k6:
//
//   TOKEN=$(npm run --silent token -- --agency SXD --roles consumer --ttl 2h)
//   k6 run -e TOKEN=$TOKEN load-tests/k6/error-reports.js
//
// Environment: TOKEN (required: an agency that does not own the entry), ENTRY_ID (default: the first
// listed entry another agency owns; `npm run demo` makes some), AGENCY (default SXD, the token's),
// BASE_URL (default http://127.0.0.1:8080), IN_FLIGHT (default 16), DURATION per side and round (default
// 30s), ROUNDS (default 2), P99_MS (500).
/* global __ENV, __VU, __ITER */ // k6's globals
import http from 'k6/http';
import { check, fail } from 'k6';
import { closedLoad } from './lib/closed-load.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const AGENCY = __ENV.AGENCY || 'SXD';

export const options = closedLoad(['write', 'live']);

export function setup() {
  if (!__ENV.TOKEN) fail(`set TOKEN: TOKEN=$(npm run --silent token -- --agency ${AGENCY} --roles consumer)`);
  if (__ENV.ENTRY_ID) return { entryId: __ENV.ENTRY_ID };
  const page = http.get(`${BASE_URL}/catalogue/entries?status=listed&limit=100`);
  if (page.status !== 200) fail(`GET /catalogue/entries answered ${page.status}: ${page.body}`);
  const entry = page.json('items').find((e) => e.ownerAgency !== AGENCY);
  if (!entry) fail(`no listed entry owned by another agency than ${AGENCY}: run \`npm run demo\``);
  return { entryId: entry._id };
}

export function live() {
  const r = http.get(`${BASE_URL}/catalogue/health/live`);
  check(r, { 'live 200': (x) => x.status === 200 });
}

export function write({ entryId }) {
  const body = {
    entryId,
    field: 'area',
    description: 'Diện tích thửa đất khác với giấy chứng nhận.',
    recordRef: `parcel k6-${__VU}-${__ITER}-${Date.now()}`,
  };
  const r = http.post(`${BASE_URL}/catalogue/error-reports`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${__ENV.TOKEN}` },
  });
  check(r, { 'write 201': (x) => x.status === 201 });
}
