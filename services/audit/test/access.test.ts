import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { startEngines, type Engines } from '@openlgsp/testing';
import type { EntryView } from '../src/entries/entries.service.js';

/**
 * Access events end to end: the catalogue (its built dist, as a neighbour would run it) answers
 * calls, reports them after answering, and the audit service records them, in the calls' traces,
 * next to the catalogue's domain events.
 */
let engines: Engines;
let audit: ServiceUnderTest;
let catalogue: ServiceUnderTest;

// A path, not a package: the audit service does not depend on the catalogue, it only tests beside it.
const CATALOGUE_DIST = '../../../catalogue/dist/src/index.js';

before(async () => {
  engines = await startEngines();
  audit = await startService({
    service: 'audit',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    engines,
    env: { AUDIT_CHECKPOINT_INTERVAL_MS: '0', AUDIT_ARCHIVE_INTERVAL_MS: '0', AUDIT_ACK_WAIT_MS: '3000' },
  });
  const base = engines.mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_catalogue$2');
  catalogue = await startService({
    service: 'catalogue',
    appModule: async () => ((await import(CATALOGUE_DIST)) as { AppModule: Type<unknown> }).AppModule,
    engines,
    // Short refusal windows, so the count of a flood is reported within the test.
    env: { MONGO_URL: base, ACCESS_REFUSAL_WINDOW_MS: '2000', ACCESS_REFUSALS_ALONE: '5' },
  });
});
after(async () => {
  await catalogue?.stop();
  await audit?.stop();
  await engines?.stop();
});

async function trail(query: string, count: number): Promise<EntryView[]> {
  const dic = await audit.token('STTTT', ['dic']);
  const until = Date.now() + 20_000;
  for (;;) {
    const answer = await audit.request('GET', `/audit/entries?limit=100&${query}`, { token: dic });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    if (answer.body.items.length >= count || Date.now() > until) return answer.body.items;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const traced = () => {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } };
};

describe('access events from the catalogue', () => {
  it('records a privileged call with who, route, resource, outcome and trace, beside the event it caused', async () => {
    const { traceId, headers } = traced();
    const answer = await catalogue.request('POST', '/catalogue/agencies', {
      token: await catalogue.token('STTTT', ['dic'], 'dic-admin'),
      headers: { ...headers, 'x-api-key': 'never-recorded' },
      body: { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', level: 'province' },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const entries = await trail(`traceId=${traceId}`, 2);
    const access = entries.find((e) => e.type === 'vn.openlgsp.audit.access.recorded.v1');
    const fact = entries.find((e) => e.type === 'vn.openlgsp.catalogue.agency.registered.v1');
    assert.ok(access, `an access entry in trace ${traceId}: ${JSON.stringify(entries.map((e) => e.type))}`);
    assert.ok(fact, 'the domain event in the same trace');
    assert.equal(access.agency, 'STTTT');
    assert.equal(access.actor, 'dic-admin');
    assert.equal(access.source, '/openlgsp/catalogue');
    assert.deepEqual(access.payload, {
      ...(access.payload as object),
      service: 'catalogue',
      method: 'POST',
      route: '/catalogue/agencies',
      status: 201,
      caller: { anonymous: false, sub: 'dic-admin', agency: 'STTTT', roles: ['dic'], via: 'token' },
    });
    const raw = Buffer.from(access.data, 'base64').toString('utf8');
    assert.doesNotMatch(
      raw,
      /never-recorded|Bearer|Sở Khoa học/,
      'no credentials and no body in the access event',
    );
  });

  it('records refusals: an anonymous call and a caller without the role', async () => {
    const anonymous = traced();
    const unauthenticated = await catalogue.request('PUT', '/catalogue/agencies/SKHCN', {
      headers: anonymous.headers,
      body: { name: 'x', level: 'province' },
    });
    assert.equal(unauthenticated.status, 401);
    const forbidden = traced();
    const refused = await catalogue.request('POST', '/catalogue/agencies', {
      token: await catalogue.token('SYT', ['provider']),
      headers: forbidden.headers,
      body: { code: 'SXX', name: 'x', level: 'province' },
    });
    assert.equal(refused.status, 403);
    const [anon] = await trail(`traceId=${anonymous.traceId}`, 1);
    assert.deepEqual((anon!.payload as { caller: unknown }).caller, {
      anonymous: true,
      address: '127.0.0.1',
    });
    assert.deepEqual((anon!.payload as { resourceIds: unknown }).resourceIds, { code: 'SKHCN' });
    assert.equal(anon!.subject, 'SKHCN');
    assert.equal((anon!.payload as { status: number }).status, 401);
    const [denied] = await trail(`traceId=${forbidden.traceId}`, 1);
    assert.equal(denied!.agency, 'SYT');
    assert.equal((denied!.payload as { status: number }).status, 403);
  });

  it('counts a flood of anonymous refusals from one address into a few entries; every refusal is still counted', async () => {
    // 401 today; a rate limit in front may answer 429 to part of the flood: both are refusals.
    const counted = async () => {
      const text = (await catalogue.request('GET', '/catalogue/metrics')).body as string;
      const of = (status: number) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith(`lgsp_access_refusals_total{status="${status}",caller="anonymous"}`))
            ?.split(' ')
            .pop() ?? 0,
        );
      return of(401) + of(429);
    };
    const countedBefore = await counted();
    const since = new Date().toISOString();
    const FLOOD = 300;
    for (let i = 0; i < FLOOD; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const answer = await catalogue.request('PUT', '/catalogue/agencies/SFLOOD', {
            body: { name: 'x', level: 'province' },
          });
          assert.ok([401, 429].includes(answer.status), String(answer.status));
        }),
      );
    assert.equal((await counted()) - countedBefore, FLOOD, 'each refusal counted');
    // The trail: the first five alone, then counts, until all 300 are accounted for.
    const dic = await audit.token('STTTT', ['dic']);
    const until = Date.now() + 30_000;
    type Access = {
      method: string;
      route: string;
      status: number;
      count?: number;
      since?: string;
      at: string;
      caller: { address?: string };
    };
    let flood: Access[] = [];
    for (;;) {
      const page = await audit.request(
        'GET',
        `/audit/entries?limit=200&type=vn.openlgsp.audit.access.recorded.v1&from=${since}`,
        { token: dic },
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      flood = (page.body.items as EntryView[])
        .map((e) => e.payload as Access)
        .filter((p) => p.method === 'PUT' && p.route === '/catalogue/agencies/:code');
      if (flood.reduce((n, p) => n + (p.count ?? 1), 0) >= FLOOD || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(
      flood.reduce((n, p) => n + (p.count ?? 1), 0),
      FLOOD,
      'the counts account for every refusal',
    );
    const alone = flood.filter((p) => p.count === undefined);
    // Five alone per source and window (one may have gone to the previous test's refusal of the same route).
    assert.ok(alone.length >= 4 && alone.length <= 10, `five alone per status: ${alone.length}`);
    assert.ok(flood.length <= 10 + 12, `a few entries, not ${FLOOD}: ${flood.length}`);
    assert.ok(flood.every((p) => p.caller.address === '127.0.0.1'));
    assert.ok(flood.every((p) => p.count === undefined || p.since! <= p.at));
  });

  it('keeps reads out of the trail, and the chain verifies', async () => {
    const { traceId, headers } = traced();
    const read = await catalogue.request('GET', '/catalogue/agencies', {
      token: await catalogue.token('SYT', ['provider']),
      headers,
    });
    assert.equal(read.status, 200);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await trail(`traceId=${traceId}`, 0), []);
    const report = await audit.request('GET', '/audit/verification', {
      token: await audit.token('STTTT', ['auditor']),
    });
    assert.equal(report.body.ok, true, JSON.stringify(report.body));
  });
});
