import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  UnauthorizedException,
} from '@nestjs/common';
import Fastify from 'fastify';
import { RuleViolationError, type RuleViolation } from '@openlgsp/domain';
import { ConflictError, DuplicateError, InvalidCursorError, NotFoundError } from '@openlgsp/persistence';
import { ProblemError, problem } from './problem.js';
import { toProblem } from './problem.filter.js';

const TYPE = 'https://openlgsp.vn/problems/';

/** The error a real Fastify instance raises for a request (its body parser's, or its limits'). */
async function fastifyErrorFor(
  request: { payload: string; headers?: Record<string, string> },
  bodyLimit?: number,
) {
  const app = Fastify(bodyLimit ? { bodyLimit } : {});
  let caught: unknown;
  app.setErrorHandler((err, _req, reply) => {
    caught = err;
    void reply.status(500).send();
  });
  app.post('/', async () => 'ok');
  await app.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/json', ...request.headers },
    payload: request.payload,
  });
  await app.close();
  assert.ok(caught, 'expected Fastify to refuse the request');
  return caught;
}

const violation = (kind: RuleViolation['kind'], extra: Partial<RuleViolation> = {}) =>
  new RuleViolationError({
    kind,
    code: 'reason-required',
    message: 'a reason is required to reject a proposal',
    ...extra,
  });

describe('problem', () => {
  it('builds an RFC 9457 problem whose type and code follow from the status', () => {
    assert.deepEqual(problem(404), {
      type: `${TYPE}not-found`,
      title: 'Not found',
      status: 404,
      code: 'not-found',
    });
  });

  it('uses the given code for the type and keeps the detail', () => {
    assert.deepEqual(problem(409, 'already listed', { code: 'already-listed' }), {
      type: `${TYPE}already-listed`,
      title: 'Conflict',
      status: 409,
      detail: 'already listed',
      code: 'already-listed',
    });
  });
});

describe('toProblem', () => {
  it('answers a broken rule of kind invalid with 422, its code, the offending field and the regulation', () => {
    const p = toProblem(violation('invalid', { path: '/reason', source: '004 Điều 4.2' }));
    assert.deepEqual(p, {
      type: `${TYPE}reason-required`,
      title: 'Rule violated',
      status: 422,
      detail: 'a reason is required to reject a proposal',
      code: 'reason-required',
      errors: [{ path: '/reason', message: 'a reason is required to reject a proposal' }],
      source: '004 Điều 4.2',
    });
  });

  it('maps each kind of broken rule to its status', () => {
    const statuses = (['invalid', 'conflict', 'forbidden', 'not-found'] as const).map(
      (kind) => toProblem(violation(kind)).status,
    );
    assert.deepEqual(statuses, [422, 409, 403, 404]);
  });

  it('lists no field errors and no source for a rule violation that has neither', () => {
    const p = toProblem(violation('conflict'));
    assert.equal(p.code, 'reason-required');
    assert.equal('errors' in p, false, 'no errors expected without a path');
    assert.equal('source' in p, false, 'no source expected without a regulation');
  });

  it('answers an unknown id with 404 not-found', () => {
    const p = toProblem(new NotFoundError('catalogue entry', 'e-1'));
    assert.equal(p.status, 404);
    assert.equal(p.code, 'not-found');
    assert.equal(p.detail, 'catalogue entry e-1 does not exist');
  });

  it('answers a concurrent change with 409 concurrent-change and a duplicate with 409 already-exists', () => {
    const conflict = toProblem(new ConflictError('entry e-1 was changed by someone else'));
    assert.deepEqual(
      [conflict.status, conflict.code, conflict.detail],
      [409, 'concurrent-change', 'entry e-1 was changed by someone else'],
    );
    const duplicate = toProblem(new DuplicateError('agency STNMT already exists'));
    assert.deepEqual([duplicate.status, duplicate.code], [409, 'already-exists']);
  });

  it('answers a tampered cursor with 400 invalid-cursor pointing at the query parameter', () => {
    const p = toProblem(new InvalidCursorError());
    assert.equal(p.status, 400);
    assert.equal(p.code, 'invalid-cursor');
    assert.deepEqual(p.errors, [{ path: '?cursor', message: 'cursor is not one this API issued' }]);
  });

  it('passes a ProblemError’s problem through unchanged', () => {
    const own = problem(400, 'bad limit', {
      code: 'invalid-request',
      errors: [{ path: '?limit', message: 'must be a number' }],
    });
    assert.equal(toProblem(new ProblemError(own)), own);
  });

  it('answers an HttpException with a string body with that status and the string as detail', () => {
    const p = toProblem(new HttpException('I am a teapot', 418));
    assert.deepEqual(p, {
      type: `${TYPE}error`,
      title: 'Error',
      status: 418,
      detail: 'I am a teapot',
      code: 'error',
    });
  });

  it('answers an HttpException with an object body using its message, and its reason as the code', () => {
    const p = toProblem(
      new ForbiddenException({
        message: 'the caller may act only for its own agency',
        reason: 'wrong-agency',
      }),
    );
    assert.deepEqual(
      [p.status, p.code, p.detail],
      [403, 'wrong-agency', 'the caller may act only for its own agency'],
    );
  });

  it('joins the messages of an HttpException that carries several', () => {
    const p = toProblem(new BadRequestException(['limit must be a number', 'cursor must be a string']));
    assert.deepEqual(
      [p.status, p.code, p.detail],
      [400, 'bad-request', 'limit must be a number; cursor must be a string'],
    );
  });

  it('prefers an HttpException body’s detail and code when it has them', () => {
    const p = toProblem(
      new HttpException({ detail: 'slow down', code: 'rate-limited', message: 'ignored' }, 429),
    );
    assert.deepEqual(
      [p.status, p.code, p.detail, p.title],
      [429, 'rate-limited', 'slow down', 'Too many requests'],
    );
  });

  it('answers a Nest exception without a body of its own by its status', () => {
    const p = toProblem(new UnauthorizedException());
    assert.deepEqual(
      [p.status, p.code, p.title],
      [401, 'authentication-required', 'Authentication required'],
    );
  });

  it('answers a body larger than the limit with 413 body-too-large', async () => {
    const err = await fastifyErrorFor({ payload: JSON.stringify({ text: 'x'.repeat(200) }) }, 64);
    assert.equal(
      (err as { code?: string }).code,
      'FST_ERR_CTP_BODY_TOO_LARGE',
      'expected Fastify’s own body-limit error',
    );
    const p = toProblem(err);
    assert.deepEqual([p.status, p.code], [413, 'body-too-large']);
  });

  it('answers a body that is not JSON with 400 malformed-json', async () => {
    const p = toProblem(await fastifyErrorFor({ payload: '{"name": ' }));
    assert.deepEqual([p.status, p.code, p.detail], [400, 'malformed-json', 'The body is not valid JSON.']);
  });

  it('answers an empty JSON body with 400 empty-body', async () => {
    const p = toProblem(await fastifyErrorFor({ payload: '' }));
    assert.deepEqual([p.status, p.code], [400, 'empty-body']);
  });

  it('answers a media type nobody parses with 415', async () => {
    const p = toProblem(
      await fastifyErrorFor({ payload: '<a/>', headers: { 'content-type': 'application/xml' } }),
    );
    assert.deepEqual([p.status, p.code], [415, 'unsupported-media-type']);
  });

  it('recognises a JSON parse failure that Nest rewrapped as a 400', () => {
    const rewrapped = new BadRequestException(
      "Body is not valid JSON but content-type is set to 'application/json'",
    );
    assert.equal(toProblem(rewrapped).code, 'malformed-json');
    assert.equal(toProblem(new SyntaxError('Unexpected end of JSON input')).code, 'malformed-json');
  });

  it('keeps the status and message of another client error raised by the framework', () => {
    const p = toProblem(Object.assign(new Error('Route not found'), { statusCode: 404 }));
    assert.deepEqual([p.status, p.detail], [404, 'Route not found']);
  });

  it('answers anything else with 500 and never repeats its message', () => {
    const secret = 'connect ECONNREFUSED mongodb://svc:hunter2@10.0.0.5:27017';
    for (const thrown of [
      new Error(secret),
      Object.assign(new Error(secret), { statusCode: 503 }),
      secret,
      undefined,
      null,
    ]) {
      const p = toProblem(thrown);
      assert.equal(p.status, 500, `expected 500 for ${String(thrown)}`);
      assert.equal(p.code, 'internal');
      assert.equal(
        JSON.stringify(p).includes('hunter2'),
        false,
        'the internal message must not reach the client',
      );
    }
  });
});
