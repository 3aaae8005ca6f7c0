import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { landDatabase, landService } from '@openlgsp/catalogue-service/test/fixtures';
import { reportBody } from '@openlgsp/incidents-service/test/service';
import { requestBody } from '@openlgsp/sharing-service/test/service';
import { waitFor as waitForValue, type ServiceUnderTest } from '@openlgsp/http/testing';
import { auditFilesIn, decideProposal, startPlatform, type ServiceName } from './platform.js';
import { WHO_MAY_CALL } from './abuse-matrix.table.js';

/**
 * The authorisation matrix, generated from the OpenAPI documents the services serve
 * (contracts/openapi/<service>.json, which their own tests keep equal to the served ones): every
 * operation × every role of the caller's own agency and of another agency, and anonymous, against
 * the five services running together. Path parameters name resources that do not exist, so a call
 * that passes the role check ends in 400/404, never in a change; what is asserted there is the role
 * gate (403 `missing-role` exactly where WHO_MAY_CALL says so, 401 for anonymous on non-public
 * operations) and that no call, allowed or refused, gets a 5xx. Then, for each service, real
 * resources of one agency: another agency's every role is refused on reading and changing them,
 * except where a provincial role (DIC, auditors, …) reads or acts across agencies by design.
 */
const SERVICES: ServiceName[] = ['catalogue', 'sharing', 'opendata', 'audit', 'incidents'];
const ROLES = [
  'dic',
  'committee',
  'editor',
  'provider',
  'consumer',
  'auditor',
  'police',
  'integrator',
  'public-app',
];
const AGENCIES = ['STNMT', 'SYT']; // the caller's own agency in one call, another in the next
const dir = mkdtempSync(join(tmpdir(), 'lgsp-e2e-matrix-'));
let platform: Awaited<ReturnType<typeof startPlatform<ServiceName>>>;

before(async () => {
  platform = await startPlatform(SERVICES, {
    audit: auditFilesIn(dir),
    opendata: { STORAGE_DIR: join(dir, 'files') },
  });
});
after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Operation {
  service: ServiceName;
  method: string;
  template: string;
  path: string;
}

/** A value for a path parameter that names nothing that exists. */
function placeholder(name: string): string {
  if (name === 'code') return 'ZZ-NONE';
  if (name === 'seq' || name === 'n' || name === 'version') return '999999';
  if (name === 'name') return 'none.csv';
  if (name === 'action') return 'none';
  return randomUUID();
}

function operations(): Operation[] {
  const found: Operation[] = [];
  for (const service of SERVICES) {
    const document = JSON.parse(
      readFileSync(join(import.meta.dirname, `../../../contracts/openapi/${service}.json`), 'utf8'),
    ) as { paths: Record<string, Record<string, unknown>> };
    for (const [template, item] of Object.entries(document.paths))
      for (const method of Object.keys(item).filter((m) =>
        ['get', 'post', 'put', 'patch', 'delete'].includes(m),
      ))
        found.push({
          service,
          method: method.toUpperCase(),
          template,
          path: template.replace(/\{(\w+)\}/g, (_m, name: string) => placeholder(name)),
        });
  }
  return found;
}

interface Outcome {
  status: number;
  reason?: string;
}

async function call(op: Operation, token?: string): Promise<Outcome> {
  const sut = platform.services[op.service];
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  const answer = await fetch(`${sut.url}${op.path}`, {
    method: op.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { body: '{}' } : {}),
  });
  // The change feed streams for as long as it is read: its status is the answer.
  if (String(answer.headers.get('content-type')).startsWith('text/event-stream')) {
    await answer.body?.cancel();
    return { status: answer.status };
  }
  const text = await answer.text();
  let body: { reason?: string; code?: string } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  return { status: answer.status, reason: body?.reason ?? body?.code };
}

/** Runs `work` on every item, `limit` at a time: the matrix's calls are independent of each other. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Four calls at once: enough to keep both cores busy, few enough not to trip a rate limit. */
const CONCURRENCY = 4;

describe('the authorisation matrix', () => {
  it('answers every operation × role of two agencies and anonymous as the table says, never with a 5xx', async () => {
    const ops = operations();
    assert.ok(ops.length >= 130, `found only ${ops.length} operations`);
    const unlisted = ops.map((o) => `${o.method} ${o.template}`).filter((k) => !(k in WHO_MAY_CALL));
    assert.deepEqual(unlisted, [], 'every operation has its row in WHO_MAY_CALL');
    const tokens = new Map<string, string>();
    for (const service of SERVICES)
      for (const role of ROLES)
        for (const agency of AGENCIES)
          tokens.set(
            `${service} ${role} ${agency}`,
            await platform.services[service].token(agency, [role as never], `${role}-${agency}`),
          );

    const wrong: string[] = [];
    let calls = 0;
    await inPool(ops, CONCURRENCY, async (op) => {
      const who = WHO_MAY_CALL[`${op.method} ${op.template}`]!;
      const anonymous = await call(op);
      calls++;
      const name = `${op.method} ${op.template}`;
      if (anonymous.status >= 500) wrong.push(`${name} anonymous: ${anonymous.status}`);
      else if (who !== 'public' && anonymous.status !== 401)
        wrong.push(`${name} anonymous: ${anonymous.status}, expected 401`);
      else if (who === 'public' && anonymous.status === 401)
        wrong.push(`${name} anonymous: 401 on a public operation`);
      for (const role of ROLES)
        for (const agency of AGENCIES) {
          const outcome = await call(op, tokens.get(`${op.service} ${role} ${agency}`));
          calls++;
          const allowed = who === 'public' || who.includes(role);
          const roleRefused = outcome.status === 403 && outcome.reason === 'missing-role';
          const as = `${name} as ${role} of ${agency}`;
          if (outcome.status >= 500) wrong.push(`${as}: ${outcome.status}`);
          else if (allowed && (roleRefused || outcome.status === 401))
            wrong.push(`${as}: ${outcome.status} ${outcome.reason}, expected the role to pass`);
          else if (!allowed && !roleRefused)
            wrong.push(`${as}: ${outcome.status} ${outcome.reason ?? ''}, expected 403 missing-role`);
        }
    });
    assert.deepEqual(wrong, [], `${wrong.length} of ${calls} answers differ from the table`);
    assert.equal(calls, ops.length * (1 + ROLES.length * AGENCIES.length));
  });

  it("refuses another agency's every role on each service's real resources, read and write, and changes nothing", async () => {
    const { catalogue, sharing, opendata, incidents, audit } = platform.services;
    const OWNER = 'STNMT'; // owns the entry, its service, the dataset and the incident
    const CONSUMER = 'SXD'; // files the request and the error report about STNMT's entry
    const OTHER = 'SYT'; // the other agency, whose every role tries
    const token = (sut: ServiceUnderTest, agency: string, role: string) =>
      sut.token(agency, [role as never], `${role}-${agency}`);

    const entryId = await decideProposal(catalogue, {
      content: landDatabase(OWNER, { sharingMode: 'request', open: true }),
      justification: 'Phục vụ thủ tục đất đai liên thông',
    });
    const declared = await catalogue.request('POST', '/catalogue/services', {
      token: await token(catalogue, OWNER, 'provider'),
      body: landService(entryId),
    });
    assert.equal(declared.status, 201, JSON.stringify(declared.body));
    const serviceId = declared.body.serviceId as string;
    const report = await catalogue.request('POST', '/catalogue/error-reports', {
      token: await token(catalogue, CONSUMER, 'consumer'),
      body: { entryId, field: 'area', description: 'Diện tích thửa 12 sai' },
    });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    // Sharing and opendata learn the entry from the catalogue's events, a moment after it is listed.
    const filed = await until('sharing to know the entry', async () => {
      const answer = await sharing.request('POST', '/sharing/requests', {
        token: await token(sharing, CONSUMER, 'consumer'),
        body: requestBody(entryId, { serviceId }),
      });
      return answer.status === 404 ? undefined : answer;
    });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    const drafted = await until('opendata to know the entry', async () => {
      const answer = await opendata.request('POST', '/opendata/datasets', {
        token: await token(opendata, OWNER, 'provider'),
        body: { entryId, metadata: DATASET_METADATA },
      });
      return answer.status === 404 ? undefined : answer;
    });
    assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
    const incident = await incidents.request('POST', '/incidents/incidents', {
      token: await token(incidents, OWNER, 'provider'),
      body: reportBody({
        contact: { name: 'Lê Văn Cường', email: 'cuong.lv@stnmt.example.gov.vn' },
        detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    });
    assert.equal(incident.status, 201, JSON.stringify(incident.body));
    const trail = await until('the trail to hold an entry about STNMT', async () => {
      const answer = await audit.request('GET', `/audit/entries?agency=${OWNER}`, {
        token: await token(audit, 'STTTT', 'dic'),
      });
      return (answer.body.items as { seq: number }[] | undefined)?.[0];
    });

    // Provincial roles that read (or act) across agencies by design; every other role is refused.
    const READ_ACROSS = ['dic', 'auditor'];
    const attempts: Attempt[] = [
      {
        sut: catalogue,
        method: 'GET',
        path: `/catalogue/error-reports/${report.body.reportId}`,
        across: READ_ACROSS,
      },
      {
        sut: catalogue,
        method: 'PATCH',
        path: `/catalogue/services/${serviceId}`,
        body: { version: '6.6.6' },
      },
      {
        sut: catalogue,
        method: 'POST',
        path: `/catalogue/services/${serviceId}/suspension`,
        body: { reason: 'thử' },
        across: ['dic'],
      },
      { sut: sharing, method: 'GET', path: `/sharing/requests/${filed.body.requestId}`, across: READ_ACROSS },
      {
        sut: sharing,
        method: 'POST',
        path: `/sharing/requests/${filed.body.requestId}/withdrawal`,
        body: { reason: 'thử' },
      },
      {
        sut: opendata,
        method: 'GET',
        path: `/opendata/datasets/${drafted.body.datasetId}`,
        across: [...READ_ACROSS, 'editor'],
      },
      {
        sut: opendata,
        method: 'PUT',
        path: `/opendata/datasets/${drafted.body.datasetId}`,
        body: { metadata: DATASET_METADATA },
      },
      {
        sut: incidents,
        method: 'GET',
        path: `/incidents/incidents/${incident.body.incidentId}`,
        across: READ_ACROSS,
      },
      {
        sut: incidents,
        method: 'POST',
        path: `/incidents/incidents/${incident.body.incidentId}/acknowledgement`,
        body: { note: 'thử' },
        across: ['dic'],
      },
      { sut: audit, method: 'GET', path: `/audit/entries/${trail.seq}`, across: READ_ACROSS },
    ];
    const owners = await Promise.all(attempts.map((a) => ownersView(a)));
    const wrong: string[] = [];
    let refused = 0;
    await inPool(attempts, CONCURRENCY, async (attempt) => {
      for (const role of ROLES) {
        const across = attempt.across?.includes(role) ?? false;
        // A write a provincial role may make would change the resource: it is not tried.
        if (across && attempt.method !== 'GET') continue;
        const answer = await attempt.sut.request(attempt.method, attempt.path, {
          token: await token(attempt.sut, OTHER, role),
          ...(attempt.body ? { body: attempt.body } : {}),
        });
        const as = `${attempt.method} ${attempt.path} as ${role} of ${OTHER}`;
        if (across) {
          if (answer.status !== 200)
            wrong.push(`${as}: ${answer.status}, expected 200 (reads every agency's)`);
        } else if (answer.status === 403 || answer.status === 404) refused++;
        else
          wrong.push(
            `${as}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}, expected 403 or 404`,
          );
      }
    });
    assert.deepEqual(wrong, [], `${wrong.length} answers to ${OTHER} were not refusals`);
    assert.ok(refused >= attempts.length * 5, `only ${refused} refusals`);
    assert.deepEqual(await Promise.all(attempts.map((a) => ownersView(a))), owners, 'nothing changed');
  });
});

interface Attempt {
  sut: ServiceUnderTest;
  method: string;
  path: string;
  body?: unknown;
  /** Roles of any agency that may do this by design (provincial duties). */
  across?: string[];
}

/** The resource an attempt aims at, as DIC reads it (the path without an action's last step). */
async function ownersView(attempt: Attempt): Promise<unknown> {
  const path =
    attempt.method === 'POST' ? attempt.path.slice(0, attempt.path.lastIndexOf('/')) : attempt.path;
  const answer = await attempt.sut.request('GET', path, {
    token: await attempt.sut.token('STTTT', ['dic'], 'dic-STTTT'),
  });
  return { status: answer.status, body: answer.body };
}

/** Polls `probe` until it gives a value (bounded): for what arrives by event. */
const until = <T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> =>
  waitForValue(what, probe, ms, 100);

/** DCAT-AP metadata of the dataset drafted from STNMT's open entry. */
const DATASET_METADATA = {
  title: { vi: 'Bảng giá đất', en: 'Land prices' },
  description: { vi: 'Giá đất theo vùng, cập nhật hằng năm.', en: 'Land prices by zone.' },
  keywords: { vi: ['giá đất'] },
  themes: ['ECON'],
  contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.stnmt@example.gov.vn' },
  spatial: { province: { code: '62', name: 'Kon Tum' } },
  accrualPeriodicity: 'ANNUAL',
  legalBasis: [{ instrument: 'Luật Đất đai 2024' }],
};
