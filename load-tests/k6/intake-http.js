// k6 scenario: an agency's system reporting data errors over HTTP intake (`POST /catalogue/events`,
// structured CloudEvents), the HTTP twin of publishing on lgsp.intake.<agency>.catalogue.data-error.reported.
// Against a running platform (`npm start`) on a machine with k6:
//
//   TOKEN=$(npm run --silent token -- --agency SXD --roles integrator --ttl 2h)
//   k6 run -e TOKEN=$TOKEN load-tests/k6/intake-http.js
//   k6 run -e TOKEN=$TOKEN -e AGENCY=SXD -e RATE=50 -e DURATION=5m load-tests/k6/intake-http.js
//
// Each iteration sends one vn.openlgsp.catalogue.data-error.reported.v1 event about a listed entry that
// the token's agency does not own, and expects 202 (validated, authorised, on JetStream). What k6 times is
// acceptance; the catalogue then opens one error report per event asynchronously: watch
// `lgsp_consumer_pending{consumer="catalogue-intake"}` on /catalogue/metrics (it must come back to 0) and
// refusals on lgsp.rejected.<AGENCY>. `npm run bench` (benchmark 3) measures that processing rate.
//
// Environment: TOKEN (required: a token of AGENCY with the integrator, provider or consumer role),
// AGENCY (default SXD: must be the token's agency), ENTRY_ID (default: the first listed entry AGENCY
// does not own), BASE_URL (default http://127.0.0.1:8080), RATE events per second (default 20),
// DURATION (default 1m), VUS pre-allocated (default 20), P95_MS threshold (default 500).
/* global __ENV, __VU, __ITER */ // k6's globals
import http from 'k6/http';
import { check, fail } from 'k6';
import { randomBytes } from 'k6/crypto';
import { Counter } from 'k6/metrics';
import { openLoad } from './lib/open-load.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const AGENCY = __ENV.AGENCY || 'SXD';
const TOKEN = __ENV.TOKEN;
const TYPE = 'vn.openlgsp.catalogue.data-error.reported.v1';
const SCHEMA = 'https://contracts.openlgsp.vn/events/catalogue/data-error.reported.v1.json';

const accepted = new Counter('intake_events_accepted');
const refused = new Counter('intake_events_refused');

export const options = openLoad('reports');

/** A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10, random bits. */
function uuidv7() {
  const b = new Uint8Array(randomBytes(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function setup() {
  if (!TOKEN) fail(`set TOKEN: TOKEN=$(npm run --silent token -- --agency ${AGENCY} --roles integrator)`);
  const ready = http.get(`${BASE_URL}/catalogue/health/ready`);
  if (ready.status !== 200)
    fail(
      `the catalogue is not ready at ${BASE_URL}/catalogue/health/ready (${ready.status}); run \`npm start\``,
    );
  if (__ENV.ENTRY_ID) return { entryId: __ENV.ENTRY_ID };
  const page = http.get(`${BASE_URL}/catalogue/entries?status=listed&limit=100`);
  if (page.status !== 200) fail(`GET /catalogue/entries answered ${page.status}: ${page.body}`);
  const entry = page.json('items').find((e) => e.ownerAgency !== AGENCY);
  if (!entry)
    fail(`no listed entry owned by another agency than ${AGENCY}: run \`npm run demo\` or set ENTRY_ID`);
  return { entryId: entry._id };
}

export default function ({ entryId }) {
  const event = {
    specversion: '1.0',
    id: uuidv7(),
    type: TYPE,
    source: `/agencies/${AGENCY}/k6`,
    subject: entryId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: SCHEMA,
    agency: AGENCY,
    actor: `k6-${AGENCY.toLowerCase()}`,
    data: {
      entryId,
      description: 'Diện tích thửa đất khác với giấy chứng nhận.',
      recordRef: `parcel k6-${__VU}-${__ITER}`,
    },
  };
  const answer = http.post(`${BASE_URL}/catalogue/events`, JSON.stringify(event), {
    headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${TOKEN}` },
    tags: { name: 'POST /catalogue/events' },
  });
  const ok = check(answer, {
    '202 accepted': (r) => r.status === 202,
    'onto the agency intake subject': (r) =>
      r.status !== 202 || r.json('subject') === `lgsp.intake.${AGENCY}.catalogue.data-error.reported`,
  });
  (ok ? accepted : refused).add(1);
}
