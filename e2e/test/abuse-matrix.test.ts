import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startPlatform, type ServiceName } from './platform.js';
import { WHO_MAY_CALL } from './abuse-matrix.table.js';

/**
 * The authorisation matrix, generated from the OpenAPI documents the services serve
 * (contracts/openapi/<service>.json, which their own tests keep equal to the served ones): every
 * operation × every role (of the caller's own agency) and anonymous, and every operation with one
 * role of another agency (the role rotates from operation to operation: a sample, to keep the run
 * to a minute or two on two cores), against the five
 * services running together. Path parameters name resources that do not exist, so a call that passes
 * the role check ends in 400/404, never in a change; what is asserted is the role gate (403
 * `missing-role` exactly where WHO_MAY_CALL says so, 401 for anonymous on non-public operations) and
 * that no call, allowed or refused, gets a 5xx. Agency scoping on existing resources is asserted by
 * each service's own tests.
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
    audit: {
      LGSP_DATA: dir,
      AUDIT_ARCHIVE_DIR: join(dir, 'archive'),
      AUDIT_CHECKPOINT_INTERVAL_MS: '0',
      AUDIT_ARCHIVE_INTERVAL_MS: '0',
    },
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

describe('the authorisation matrix', () => {
  it('answers every operation × role and anonymous as the table says, never with a 5xx', async () => {
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
    for (const op of ops) {
      const who = WHO_MAY_CALL[`${op.method} ${op.template}`]!;
      const anonymous = await call(op);
      calls++;
      const name = `${op.method} ${op.template}`;
      if (anonymous.status >= 500) wrong.push(`${name} anonymous: ${anonymous.status}`);
      else if (who !== 'public' && anonymous.status !== 401)
        wrong.push(`${name} anonymous: ${anonymous.status}, expected 401`);
      else if (who === 'public' && anonymous.status === 401)
        wrong.push(`${name} anonymous: 401 on a public operation`);
      const otherRole = ROLES[ops.indexOf(op) % ROLES.length]!;
      for (const role of ROLES)
        for (const agency of role === otherRole ? AGENCIES : AGENCIES.slice(0, 1)) {
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
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${calls} answers differ from the table`);
    assert.equal(calls, ops.length * (1 + ROLES.length + 1));
  });
});
