import {
  Catch,
  HttpException,
  Inject,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { AUTH_REFUSAL_LISTENER, type Principal, type RefusalListener } from '@openlgsp/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { RuleViolationError, type ViolationKind } from '@openlgsp/domain';
import {
  ConflictError,
  DuplicateError,
  InvalidCursorError,
  NotFoundError,
  isStoreUnavailable,
} from '@openlgsp/persistence';
import { createLogger, currentTraceId } from '@openlgsp/telemetry';
import { PROBLEM_CONTENT_TYPE, ProblemError, problem, type Problem } from './problem.js';

const STATUS_OF: Record<ViolationKind, number> = {
  invalid: 422,
  conflict: 409,
  forbidden: 403,
  'not-found': 404,
};

/** Maps whatever was thrown to an RFC 9457 problem; internals never leak past a 500. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  if (err instanceof RuleViolationError) {
    const v = err.violation;
    return problem(STATUS_OF[v.kind], v.message, {
      code: v.code,
      ...(v.path ? { errors: [{ path: v.path, message: v.message }] } : {}),
      ...(v.source ? { source: v.source } : {}),
    });
  }
  if (err instanceof NotFoundError) return problem(404, err.message, { code: 'not-found' });
  if (err instanceof ConflictError) return problem(409, err.message, { code: 'concurrent-change' });
  if (err instanceof DuplicateError) return problem(409, err.message, { code: 'already-exists' });
  // Nothing was written (a write is one single-document update): the same request will pass later.
  if (isStoreUnavailable(err))
    return problem(503, 'The store is unavailable for a moment; nothing was changed. Try again.', {
      code: 'store-unavailable',
    });
  if (err instanceof InvalidCursorError)
    return problem(400, err.message, {
      code: 'invalid-cursor',
      errors: [{ path: '?cursor', message: err.message }],
    });
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return problem(413, 'The request body is larger than this endpoint accepts.', { code: 'body-too-large' });
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return problem(415, 'Send application/json (or application/cloudevents+json where accepted).', {
      code: 'unsupported-media-type',
    });
  if (fastifyError?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return problem(400, 'The JSON body is empty.', { code: 'empty-body' });
  // Nest may rewrap Fastify's parser error as a 400 HttpException; its message still says what it is.
  if (
    err instanceof SyntaxError ||
    fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    /Body is not valid JSON/.test(String(fastifyError?.message))
  )
    return problem(400, 'The body is not valid JSON.', { code: 'malformed-json' });
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    if (typeof body === 'string') return problem(status, body);
    const b = body as { detail?: string; message?: string | string[]; reason?: string; code?: string };
    const detail = b.detail ?? (Array.isArray(b.message) ? b.message.join('; ') : b.message);
    return problem(status, detail, b.reason || b.code ? { code: b.reason ?? b.code } : {});
  }
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)
    return problem(fastifyError.statusCode, fastifyError.message);
  return problem(500, 'Something went wrong on our side; the trace id identifies it.', { code: 'internal' });
}

/** Seconds a client is asked to wait before trying again after a 503 of an unavailable store. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Problem): void {
  const traceId = currentTraceId();
  if (p.code === 'store-unavailable') void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
  void reply
    .status(p.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ ...p, instance: request.url.split('?')[0], ...(traceId ? { traceId } : {}) });
}

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/**
 * Every error answer goes through here. Refusals decided by the domain (a rule's `forbidden`, a
 * forged agency) are reported to the refusal listener, as the auth guard reports its own, so every
 * 403 leaves a trace whichever layer said no.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger;

  constructor(
    @Inject(SERVICE_NAME) service: string,
    @Optional() @Inject(AUTH_REFUSAL_LISTENER) private readonly refusals?: RefusalListener,
  ) {
    this.logger = createLogger(service);
  }

  catch(err: unknown, host: ArgumentsHost): Observable<never> | void {
    // An event's failure is answered by the JetStream transport (a refusal → a rejection, anything
    // else → a retry), so it goes back there unchanged.
    if (host.getType() === 'rpc') return throwError(() => err);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const p = toProblem(err);
    if (p.status >= 500) this.logger.error({ err }, 'request failed');
    if (p.status === 403 && !(err instanceof HttpException)) this.reportRefusal(request, p);
    sendProblem(http.getResponse<FastifyReply>(), request, p);
  }

  private reportRefusal(request: FastifyRequest & { principal?: Principal }, p: Problem): void {
    const path = request.url.split('?')[0]!;
    void Promise.resolve(
      this.refusals?.onRefusal({
        status: 403,
        reason: p.code ?? 'forbidden',
        detail: p.detail ?? p.title,
        ...(request.principal ? { principal: request.principal } : {}),
        method: request.method,
        route: request.routeOptions?.url ?? path,
        resource: path,
      }),
    ).catch((e: unknown) => this.logger.warn({ err: e }, 'refusal listener failed'));
  }
}
