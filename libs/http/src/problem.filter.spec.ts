import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgumentsHost } from '@nestjs/common';
import { ForbiddenException } from '@nestjs/common';
import type { RefusalEvent } from '@openlgsp/auth';
import { RuleViolationError } from '@openlgsp/domain';
import { lastValueFrom } from 'rxjs';
import { ProblemFilter } from './problem.filter.js';

/** A request/reply pair as Fastify hands them to the filter, recording what was sent. */
function exchange(principal?: { sub: string; agency: string; roles: string[] }) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = {
    url: '/catalogue/services/x?y=1',
    method: 'PATCH',
    routeOptions: { url: '/catalogue/services/:id' },
    principal,
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('the problem filter and refusals', () => {
  it('reports a refusal decided by a domain rule, with who, what and why', async () => {
    const refusals: RefusalEvent[] = [];
    const filter = new ProblemFilter('catalogue', { onRefusal: (e) => void refusals.push(e) });
    const { host, sent } = exchange({ sub: 'minh', agency: 'SYT', roles: ['provider'] });
    filter.catch(
      new RuleViolationError({
        kind: 'forbidden',
        code: 'not-owner',
        message: 'only STNMT updates this service',
      }),
      host,
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(sent.status, 403);
    assert.equal(refusals.length, 1);
    assert.deepEqual(
      { ...refusals[0], principal: refusals[0]!.principal?.agency },
      {
        status: 403,
        reason: 'not-owner',
        detail: 'only STNMT updates this service',
        principal: 'SYT',
        method: 'PATCH',
        route: '/catalogue/services/:id',
        resource: '/catalogue/services/x',
      },
    );
  });

  it("leaves the guard's own refusals to the guard (no double report) and ignores other errors", async () => {
    const refusals: RefusalEvent[] = [];
    const filter = new ProblemFilter('catalogue', { onRefusal: (e) => void refusals.push(e) });
    filter.catch(new ForbiddenException('requires one of roles: dic'), exchange().host);
    filter.catch(
      new RuleViolationError({ kind: 'conflict', code: 'not-listed', message: 'entry is proposed' }),
      exchange().host,
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(refusals.length, 0);
  });

  it("hands an event handler's failure back to the JetStream transport unchanged", async () => {
    const filter = new ProblemFilter('catalogue');
    const failure = new RuleViolationError({
      kind: 'conflict',
      code: 'not-listed',
      message: 'entry is withdrawn',
    });
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const answer = filter.catch(failure, host);
    assert.ok(answer, 'an observable for the transport');
    await assert.rejects(lastValueFrom(answer), (err) => err === failure);
  });

  it('answers 503 problem+json with Retry-After when the store is away, not 500', () => {
    // A 5xx is logged as an error; this one is expected here.
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'silent';
    const filter = new ProblemFilter('incidents');
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
    const { host, sent } = exchange();
    const lost = Object.assign(new Error('Server selection timed out after 5000 ms'), {
      name: 'MongoServerSelectionError',
    });
    filter.catch(lost, host);
    assert.equal(sent.status, 503);
    assert.equal(sent.headers['content-type'], 'application/problem+json');
    assert.equal(sent.headers['retry-after'], '5');
    const body = sent.body as { code: string; detail: string };
    assert.equal(body.code, 'store-unavailable');
    assert.doesNotMatch(body.detail, /selection/, 'the driver’s words stay inside');
  });
});
