// k6 scenario: public reads of the catalogue through the platform's entry point.
// Against a running platform (`npm start`, gateway on http://127.0.0.1:8080) on a machine with k6:
//
//   k6 run load-tests/k6/catalogue-read.js
//   k6 run -e BASE_URL=https://lgsp.example.vn -e RATE=200 -e DURATION=5m load-tests/k6/catalogue-read.js
//
// Mix per iteration (one "visit"): a search by words (with or without Vietnamese accents), a faceted
// listing, one entry by id. Anonymous by default (listed entries are public); set TOKEN to read as an
// agency (`npm run token -- --agency SXD --roles consumer`). The catalogue needs at least one listed
// entry (`npm run demo` makes some).
//
// Environment: BASE_URL (default http://127.0.0.1:8080), RATE visits per second (default 20),
// DURATION (default 1m), VUS pre-allocated (default 20), TOKEN (optional), P95_MS threshold (default 500).
/* global __ENV */ // k6's global
import http from 'k6/http';
import { check, fail } from 'k6';
import { Trend } from 'k6/metrics';
import { openLoad } from './lib/open-load.js';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const params = {
  headers: { accept: 'application/json', ...(__ENV.TOKEN ? { authorization: `Bearer ${__ENV.TOKEN}` } : {}) },
};

const searchTime = new Trend('catalogue_search_ms', true);
const listTime = new Trend('catalogue_list_ms', true);
const entryTime = new Trend('catalogue_entry_ms', true);

export const options = openLoad('visits');

const WORDS = ['đất đai', 'dat dai', 'giá đất', 'gia dat', 'dân cư', 'y tế', 'giáo dục', 'xây dựng'];

export function setup() {
  const live = http.get(`${BASE_URL}/catalogue/health/ready`);
  if (live.status !== 200)
    fail(
      `the catalogue is not ready at ${BASE_URL}/catalogue/health/ready (${live.status}); run \`npm start\``,
    );
  const page = http.get(`${BASE_URL}/catalogue/entries?status=listed&limit=100`, params);
  if (page.status !== 200) fail(`GET /catalogue/entries answered ${page.status}: ${page.body}`);
  const ids = page.json('items').map((e) => e._id);
  if (ids.length === 0) fail('no listed entry to read: run `npm run demo` first');
  return { ids };
}

export default function ({ ids }) {
  const word = WORDS[Math.floor(Math.random() * WORDS.length)];
  const search = http.get(`${BASE_URL}/catalogue/entries?q=${encodeURIComponent(word)}&limit=20`, {
    ...params,
    tags: { name: 'GET /catalogue/entries?q' },
  });
  check(search, {
    'search 200': (r) => r.status === 200,
    'search has items': (r) => Array.isArray(r.json('items')),
  });
  searchTime.add(search.timings.duration);

  const list = http.get(`${BASE_URL}/catalogue/entries?sharingMode=default&limit=20`, {
    ...params,
    tags: { name: 'GET /catalogue/entries?facet' },
  });
  check(list, { 'list 200': (r) => r.status === 200 });
  listTime.add(list.timings.duration);

  const id = ids[Math.floor(Math.random() * ids.length)];
  const entry = http.get(`${BASE_URL}/catalogue/entries/${id}`, {
    ...params,
    tags: { name: 'GET /catalogue/entries/:id' },
  });
  check(entry, { 'entry 200': (r) => r.status === 200 && r.json('_id') === id });
  entryTime.add(entry.timings.duration);
}
