import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, sign as signWith, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { headers as natsHeaders } from '@nats-io/transport-node';
import fc from 'fast-check';
import { localKeys } from '@openlgsp/auth';
import { createEvent } from '@openlgsp/events';
import { readStream, startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { auditFilesIn, startPlatform, type ServiceName } from './platform.js';

/**
 * What an attacker sends, against the catalogue on real engines: forged and stale tokens, operator
 * and prototype keys in every body and query of its OpenAPI document (and in every body of the
 * other four services' documents, against them running together), CloudEvents attribute
 * injection, absurd nesting, and a property-based fuzz of both intake doors (NATS and HTTP). Each
 * group ends by checking that nothing changed: the same documents in the store and no new catalogue
 * event.
 */
let sut: ServiceUnderTest;
let privateKey: KeyObject;
let publicKeyPem: string;
let dic: string;

before(async () => {
  sut = await startService({
    service: 'catalogue',
    appModule: async () => (await import('@openlgsp/catalogue-service')).AppModule,
  });
  // The harness's key pair, as an insider who stole the public key (and, for claims tests, signs).
  const keys = await localKeys(dirname(process.env.AUTH_PUBLIC_KEY_FILE!));
  privateKey = keys.privateKey;
  publicKeyPem = keys.publicKeyPem;
  dic = await sut.token('STTTT', ['dic']);
});
after(async () => sut?.stop());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  sub: 'mallory',
  agency: 'STTTT',
  roles: ['dic'],
  iss: 'openlgsp-local',
  aud: 'openlgsp',
  iat: now(),
  exp: now() + 300,
});
function eddsa(claims: Record<string, unknown>): string {
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${signWith(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/** What the store and the catalogue stream hold: a change to either is a change of state. */
async function snapshot(): Promise<string> {
  const [entries, agencies, services, reports] = await Promise.all(
    [
      '/catalogue/entries?limit=100',
      '/catalogue/agencies',
      '/catalogue/services?limit=100',
      '/catalogue/error-reports',
    ].map((p) => sut.request('GET', p, { token: dic })),
  );
  const stream = await readStream(sut.js, 'CATALOGUE');
  return JSON.stringify([entries!.body, agencies!.body, services!.body, reports!.body, stream.length]);
}

interface Operation {
  method: string;
  path: string;
  queries: string[];
  hasBody: boolean;
  /** The body is a file kept as data (a distribution), not a command: its keys are never read. */
  upload: boolean;
}
/** A value for a path parameter that names nothing that exists, of the parameter's form. */
function placeholder(name: string): string {
  if (name === 'code') return 'STNMT';
  if (name === 'seq' || name === 'n' || name === 'version') return '999999';
  if (name === 'name') return 'none.csv';
  if (name === 'action') return 'package_search';
  return '0197a1b2-8000-7000-8000-0000000000aa';
}

function operations(service: ServiceName = 'catalogue'): Operation[] {
  const document = JSON.parse(
    readFileSync(join(import.meta.dirname, `../../../contracts/openapi/${service}.json`), 'utf8'),
  ) as {
    paths: Record<
      string,
      Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: object } }>
    >;
  };
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths))
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({
        method: method.toUpperCase(),
        path: template.replace(/\{(\w+)\}/g, (_m, n: string) => placeholder(n)),
        queries: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        upload: Object.keys(op.requestBody?.content ?? {}).some((type) => !type.endsWith('json')),
      });
    }
  return out;
}

describe('token attacks', () => {
  it('answers 401 to every forged, stale or incomplete token, on reads and writes', async () => {
    const claims = goodClaims();
    const without = (name: string) => {
      const c: Record<string, unknown> = goodClaims();
      delete c[name];
      return eddsa(c);
    };
    const hmacInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const attacks: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg none, signature kept': `${b64({ alg: 'none' })}.${b64(claims)}.${eddsa(claims).split('.')[2]}`,
      'HMAC keyed with the public key': `${hmacInput}.${createHmac('sha256', publicKeyPem).update(hmacInput).digest('base64url')}`,
      'wrong issuer': eddsa({ ...claims, iss: 'https://evil.example' }),
      'wrong audience': eddsa({ ...claims, aud: 'another-platform' }),
      expired: eddsa({ ...claims, iat: now() - 7200, exp: now() - 3600 }),
      'issued in the future': eddsa({ ...claims, iat: now() + 86_400, exp: now() + 90_000 }),
      'far-future expiry': eddsa({ ...claims, exp: now() + 10 * 365 * 86_400 }),
      'not yet valid': eddsa({ ...claims, nbf: now() + 3600 }),
      'missing sub': without('sub'),
      'missing agency': without('agency'),
      'missing roles': without('roles'),
      'missing exp': without('exp'),
      'missing iat': without('iat'),
      'unknown roles only': eddsa({ ...claims, roles: ['root'] }),
      'agency not a code': eddsa({ ...claims, agency: 'STTTT.>' }),
      'signature of another token': `${b64({ alg: 'EdDSA' })}.${b64({ ...claims, roles: ['dic', 'committee'] })}.${eddsa(claims).split('.')[2]}`,
      'not a JWT': 'Zm9vYmFy',
      'oversized token': `${'a'.repeat(9000)}.b.c`,
    };
    const before = await snapshot();
    const wrong: string[] = [];
    for (const [name, token] of Object.entries(attacks))
      for (const [method, path, body] of [
        ['GET', '/catalogue/agencies', undefined],
        ['POST', '/catalogue/agencies', { code: 'EVIL', name: 'Evil', level: 'province' }],
      ] as const) {
        const answer = await sut.request(method, path, { token, ...(body ? { body } : {}) });
        if (answer.status !== 401) wrong.push(`${name} ${method}: ${answer.status}`);
      }
    assert.deepEqual(wrong, []);
    assert.equal(await snapshot(), before, 'nothing changed');
    // The same claims, properly signed, do pass: the attacks above failed for what they changed.
    assert.equal((await sut.request('GET', '/catalogue/agencies', { token: eddsa(claims) })).status, 200);
  });
});

/** Keys a document store or a JavaScript object would take for more than data. */
const HOSTILE_KEYS: Record<string, unknown>[] = [
  { $where: 'sleep(1000) || true' },
  { $gt: '' },
  { name: { $ne: null } },
  { __proto__: { roles: ['dic'] } },
  { constructor: { prototype: { isAdmin: true } } },
  { 'a.b': 1 },
];

describe('operator and prototype keys', () => {
  it('refuses them in every body with 400, whatever else the body holds', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    let tried = 0;
    for (const op of operations().filter((o) => o.hasBody))
      for (const hostile of HOSTILE_KEYS) {
        // Built as JSON text: an object literal would turn __proto__ into a prototype, not a key.
        const rawBody = `{"name":"x",${JSON.stringify(hostile).slice(1, -1)}}`;
        const answer = await sut.request(op.method, op.path, { token: dic, rawBody });
        tried++;
        if (answer.status !== 400) wrong.push(`${op.method} ${op.path} ${rawBody}: ${answer.status}`);
      }
    assert.deepEqual(wrong, [], `${wrong.length} of ${tried}`);
    assert.equal(await snapshot(), before, 'nothing changed');
  });

  it('never lets them reach a query: every query parameter answers 400 or as if they were absent, never 5xx', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    let tried = 0;
    for (const op of operations().filter((o) => o.method === 'GET'))
      for (const name of [...op.queries, '__proto__', 'constructor'])
        for (const suffix of ['[$gt]=', '[$where]=1', '[__proto__][x]=1', '=%24where', '[$ne]=null']) {
          const answer = await sut.request('GET', `${op.path}?${encodeURI(name)}${suffix}`, { token: dic });
          tried++;
          if (answer.status >= 500) wrong.push(`${op.path}?${name}${suffix}: ${answer.status}`);
          else if (answer.status < 300) {
            // Taken as a plain value (or ignored): then it must not widen what is seen.
            const plain = await sut.request('GET', op.path, { token: dic });
            const count = (b: unknown) => JSON.stringify(b).length;
            if (plain.status < 300 && count(answer.body) > count(plain.body))
              wrong.push(`${op.path}?${name}${suffix}: more than without it`);
          } else if (answer.status !== 400 && answer.status !== 404)
            wrong.push(`${op.path}?${name}${suffix}: ${answer.status}`);
        }
    assert.deepEqual(wrong, [], `${wrong.length} of ${tried}`);
    assert.ok(tried > 100, `tried ${tried}`);
    assert.equal(await snapshot(), before, 'nothing changed');
  });

  it('refuses deeply nested bodies with 400 before anything reads them', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const arrays = `{"name":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (const rawBody of [deep, arrays]) {
      const answer = await sut.request('POST', '/catalogue/entries/proposals', { token: dic, rawBody });
      assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 200));
    }
  });
});

describe("operator and prototype keys in every other service's bodies", () => {
  const OTHERS = ['sharing', 'audit', 'opendata', 'incidents'] as const;
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-e2e-inputs-'));
  let others: Awaited<ReturnType<typeof startPlatform<(typeof OTHERS)[number]>>>;
  before(async () => {
    others = await startPlatform([...OTHERS], {
      audit: auditFilesIn(dir),
      opendata: { STORAGE_DIR: join(dir, 'files') },
    });
  });
  after(async () => {
    await others?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Their streams and what DIC lists of their stores (AUDIT aside: it records every write call). */
  async function othersSnapshot(): Promise<string> {
    const { sharing, audit, opendata, incidents } = others.services;
    const lists = await Promise.all(
      (
        [
          [sharing, '/sharing/requests'],
          [sharing, '/sharing/disputes'],
          [sharing, '/sharing/usage-report-demands'],
          [audit, '/audit/checkpoints'],
          [audit, '/audit/archives'],
          [opendata, '/opendata/datasets'],
          [opendata, `/opendata/feedback?dataset=${placeholder('datasetId')}`],
          [incidents, '/incidents/incidents'],
          [incidents, '/incidents/warnings'],
          [incidents, '/incidents/registrations'],
        ] as const
      ).map(async ([sut, path]) => {
        const answer = await sut.request('GET', path, { token: await sut.token('STTTT', ['dic']) });
        assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
        return [path, answer.body];
      }),
    );
    const streams = await Promise.all(
      ['SHARING', 'OPENDATA', 'INCIDENTS', 'INTAKE', 'CATALOGUE'].map(
        async (name) => (await readStream(sharing.js, name)).length,
      ),
    );
    return JSON.stringify([lists, streams]);
  }

  it('refuses them in every body of sharing, audit, opendata and incidents with 400, and changes nothing', async () => {
    const before = await othersSnapshot();
    const wrong: string[] = [];
    let tried = 0;
    for (const service of OTHERS) {
      const sut = others.services[service];
      const token = await sut.token('STTTT', ['dic']);
      for (const op of operations(service).filter((o) => o.hasBody && !o.upload))
        for (const hostile of HOSTILE_KEYS) {
          const rawBody = `{"name":"x",${JSON.stringify(hostile).slice(1, -1)}}`;
          const answer = await sut.request(op.method, op.path, { token, rawBody });
          tried++;
          if (answer.status !== 400) wrong.push(`${op.method} ${op.path} ${rawBody}: ${answer.status}`);
        }
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${tried}`);
    assert.ok(tried >= 250, `tried ${tried}`);
    assert.equal(await othersSnapshot(), before, 'nothing changed');
  });
});

describe('CloudEvents attribute injection over HTTP', () => {
  const integrator = () => sut.token('STNMT', ['integrator'], 'stnmt-system');
  const event = () =>
    createEvent(
      'vn.openlgsp.catalogue.service.changed.v1',
      { serviceId: '0197a1b2-8000-7000-8000-0000000000aa', version: '9.9.9' },
      { source: '/agencies/STNMT/system', agency: 'STNMT' },
    );
  const binary = (e: ReturnType<typeof event>, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e)) if (k !== 'data' && typeof v === 'string') headers[`ce-${k}`] = v;
    delete headers['ce-datacontenttype'];
    return { headers: { ...headers, ...extra }, body: e.data };
  };

  it('refuses forged, unknown, duplicated-in-body and malformed attributes with reasons, and changes nothing', async () => {
    const token = await integrator();
    const before = await snapshot();
    const cases: [string, Parameters<ServiceUnderTest['request']>[2], number][] = [
      ['another agency', binary(event(), { 'ce-agency': 'SYT' }), 403],
      ['an unknown attribute', binary(event(), { 'ce-role': 'dic' }), 400],
      [
        'a domain fact passed off as intake',
        binary({ ...event(), type: 'vn.openlgsp.catalogue.entry.listed.v1' }),
        400,
      ],
      ['an older spec version', binary(event(), { 'ce-specversion': '0.3' }), 400],
      ['an id that is no UUIDv7', binary(event(), { 'ce-id': '../../etc/passwd' }), 400],
      ['a time that is no time', binary(event(), { 'ce-time': 'yesterday' }), 400],
      [
        'structured mode with binary data',
        {
          headers: { 'content-type': 'application/cloudevents+json' },
          rawBody: JSON.stringify({ ...event(), data: undefined, data_base64: 'AAAA' }),
        },
        400,
      ],
      [
        'structured mode with a non-string attribute',
        {
          headers: { 'content-type': 'application/cloudevents+json' },
          rawBody: JSON.stringify({ ...event(), agency: ['STNMT', 'SYT'] }),
        },
        400,
      ],
      [
        'structured mode with a prototype key',
        {
          headers: { 'content-type': 'application/cloudevents+json' },
          rawBody: JSON.stringify(event()).replace('{', '{"__proto__":{"agency":"SYT"},'),
        },
        400,
      ],
    ];
    for (const [name, options, status] of cases) {
      const answer = await sut.request('POST', '/catalogue/events', { token, ...options });
      assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`);
      const body = answer.body as { errors?: unknown[]; code?: string; reason?: string };
      assert.ok(body.errors?.length || body.code || body.reason, `${name}: a reason is given`);
    }
    assert.equal(await snapshot(), before, 'nothing changed');
  });
});

describe('a property-based fuzz of the intake parsers', () => {
  const SUBJECT = 'lgsp.intake.STNMT.catalogue.service.changed';
  const attribute = fc.constantFrom(
    'id',
    'specversion',
    'type',
    'source',
    'subject',
    'time',
    'agency',
    'actor',
    'dataschema',
    'traceparent',
    'evil',
  );
  // Header values NATS can carry: printable, no line breaks.
  const value = fc.oneof(
    fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ' ')),
    fc.constantFrom('1.0', 'vn.openlgsp.catalogue.service.changed.v1', '/agencies/STNMT/x', 'STNMT', 'SYT'),
  );
  const message = fc.record({
    attributes: fc.dictionary(attribute, value, { maxKeys: 8 }),
    body: fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 100 }),
      fc.constant('{"serviceId":"0197a1b2-8000-7000-8000-0000000000aa","version":"1"}'),
    ),
  });

  it('over NATS: never crashes, changes nothing, and gives each refusal its reasons', async () => {
    const runs = 150;
    const before = await snapshot();
    const rejectedBefore = (await readStream(sut.js, 'REJECTED')).length;
    const samples = fc.sample(message, { numRuns: runs, seed: 1313 });
    for (const [i, { attributes, body }] of samples.entries()) {
      const headers = natsHeaders();
      for (const [k, v] of Object.entries(attributes)) if (v.trim()) headers.set(`ce-${k}`, v.trim());
      headers.set('content-type', 'application/json');
      await sut.js.publish(SUBJECT, new TextEncoder().encode(body), { headers, msgID: `STNMT:fuzz-${i}` });
    }
    // Every message is refused (no such service, or worse), each with at least one reason.
    let rejections = await readStream(sut.js, 'REJECTED');
    for (let wait = 0; rejections.length - rejectedBefore < runs && wait < 200; wait++) {
      await new Promise((d) => setTimeout(d, 100));
      rejections = await readStream(sut.js, 'REJECTED');
    }
    const fresh = rejections.slice(rejectedBefore);
    assert.equal(fresh.length, runs, 'one rejection per fuzzed message');
    for (const r of fresh) {
      const reasons = (r.data as { reasons: { code: string; message: string }[] }).reasons;
      assert.ok(reasons.length > 0 && reasons.every((x) => x.code && x.message), JSON.stringify(r.data));
    }
    assert.equal(await snapshot(), before, 'nothing changed');
  });

  it('over HTTP: answers 4xx with reasons or 202, never 5xx, and changes nothing', async () => {
    const token = await sut.token('STNMT', ['integrator'], 'stnmt-system');
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(message, fc.boolean(), async ({ attributes, body }, structured) => {
        const answer = structured
          ? await sut.request('POST', '/catalogue/events', {
              token,
              headers: { 'content-type': 'application/cloudevents+json' },
              rawBody: JSON.stringify({ ...attributes, data: body }),
            })
          : await sut.request('POST', '/catalogue/events', {
              token,
              headers: Object.fromEntries(
                Object.entries(attributes)
                  .filter(([, v]) => v.trim() && /^[\x20-\x7e]*$/.test(v))
                  .map(([k, v]) => [`ce-${k}`, v.trim()]),
              ),
              rawBody: body,
            });
        assert.ok(answer.status < 500, `${answer.status}`);
        if (answer.status !== 202) {
          assert.ok(answer.status >= 400, `${answer.status}`);
          const problem = answer.body as { errors?: unknown[]; detail?: string };
          assert.ok(problem.detail, 'a refusal says why');
        }
      }),
      { numRuns: 150, seed: 1313 },
    );
    // What was accepted for later judgement is then refused by the use case (no such service).
    await new Promise((d) => setTimeout(d, 1_000));
    assert.equal(await snapshot(), before, 'nothing changed');
  });
});
