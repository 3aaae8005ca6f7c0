import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Principal } from '@openlgsp/auth';
import { PAGE_CSP, sendProblem, toProblem, type Html } from '@openlgsp/http';
import { createLogger } from '@openlgsp/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorPage } from './console.pages.js';

export function sendPage(reply: FastifyReply, status: number, page: Html): string {
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    // helmet's no-referrer makes a browser send `Origin: null` with a form; same-origin lets the
    // console's own forms name their origin (the CSRF check compares it) and tells other sites nothing.
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store');
  return page.text;
}

const logger = createLogger('audit');

/**
 * A browser gets an error as a page (a 403 says the console is DIC's, a 401 offers to sign in); any
 * other client gets the platform's problem+json. The guard has already reported its refusals.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = http.getResponse<FastifyReply>();
    const p = toProblem(err);
    if (p.status >= 500) logger.error({ err }, 'console request failed');
    if (!String(request.headers.accept ?? '').includes('text/html')) return sendProblem(reply, request, p);
    const detail =
      p.status === 403
        ? `The operator console is for DIC operators (${p.detail ?? 'forbidden'}).`
        : p.status === 401
          ? `Sign in first (${p.detail ?? 'no credentials'}).`
          : (p.detail ?? p.title);
    const who = request.principal;
    void reply.send(sendPage(reply, p.status, errorPage(who ? { who } : {}, p.status, p.title, detail)));
  }
}
