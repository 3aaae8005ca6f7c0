import { Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthError, CurrentPrincipal, Public, Roles, TokenVerifier, type Principal } from '@openlgsp/auth';
import { toProblem } from '@openlgsp/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VerificationService } from '../verification/verification.service.js';
import { BusView } from './bus.view.js';
import { CONSOLE_CSS } from './console.css.js';
import { ConsoleErrorFilter, sendPage } from './console.errors.js';
import { ConsoleReadModel, type Flow } from './console.read-model.js';
import {
  busPage,
  consolePaths,
  deadLettersPage,
  errorPage,
  flowPage,
  homePage,
  rejectionsPage,
  servicesPage,
  signInPage,
  trailPage,
  type DeadLettersPageData,
  type PageContext,
} from './console.pages.js';
import { csrfHolds, csrfTokenOf, endSession, SESSION_MAX_AGE_S, startSession } from './console.session.js';
import { DeadLettersService } from './dead-letters.service.js';
import { PlatformStatus, type TraceLookup } from './platform-status.js';

/** The console is DIC's: operators of the platform (libs/auth Role.Dic); every other role gets 403. */
const OPERATORS = ['dic'] as const;
const LOOKBACK_DAYS = [1, 7, 14, 30, 90];

type Query = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const wholeNumber = (v: unknown) =>
  typeof v === 'string' && /^[1-9][0-9]{0,15}$/.test(v) ? Number(v) : undefined;
const fieldOf = (body: unknown, name: string) => {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * The operator console: server-rendered pages for DIC under /audit/console/ (the audit service holds
 * every event with its trace id, and is DIC's own). Reads are GETs; actions are POST forms carrying
 * the CSRF token, each recorded in the trail (an access event for the call, an operator.acted event
 * for what was done).
 */
@ApiExcludeController()
@UseFilters(ConsoleErrorFilter)
@Roles(...OPERATORS)
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly read: ConsoleReadModel,
    private readonly bus: BusView,
    private readonly deadLetters: DeadLettersService,
    private readonly status: PlatformStatus,
    private readonly verification: VerificationService,
    private readonly verifier: TokenVerifier,
  ) {}

  @Get()
  home(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendPage(reply, 200, homePage(context(who, req, reply)));
  }

  @Public()
  @Get('console.css')
  stylesheet(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.type('text/css; charset=utf-8').header('cache-control', 'private, max-age=600');
    return CONSOLE_CSS;
  }

  @Public()
  @Get('sign-in')
  signInForm(@Res({ passthrough: true }) reply: FastifyReply) {
    return sendPage(reply, 200, signInPage({}));
  }

  /** Checks the token before keeping it: a wrong or non-DIC token is told why, and not kept. */
  @Public()
  @Post('sign-in')
  @HttpCode(200)
  async signIn(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const token = fieldOf(req.body, 'token')?.trim() ?? '';
    let who: Principal;
    try {
      who = await this.verifier.verify(token.slice(0, 8192));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return sendPage(reply, 401, signInPage({}, `The token was not accepted: ${err.message}.`));
    }
    if (!who.roles.includes('dic'))
      return sendPage(
        reply,
        403,
        signInPage({}, 'This console is for DIC operators; the token carries no DIC role.'),
      );
    startSession(req, reply, token, SESSION_MAX_AGE_S);
    reply.redirect(consolePaths.home(), 303);
    return '';
  }

  @Public()
  @Post('sign-out')
  signOut(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    endSession(req, reply);
    reply.redirect(consolePaths.signIn(), 303);
    return '';
  }

  @Get('flow')
  async flow(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ctx = context(who, req, reply);
    const q = first((req.query as Query).q) ?? '';
    if (!q.trim()) return sendPage(reply, 200, flowPage(ctx, { q, traces: new Map() }));
    let flow: Flow;
    try {
      flow = await this.read.flow(q);
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      return sendPage(
        reply,
        p.status,
        flowPage(ctx, { q: q.slice(0, 200), problem: p.detail ?? p.title, traces: new Map() }),
      );
    }
    const traces = new Map<string, TraceLookup>(
      await Promise.all(flow.traceIds.map(async (id) => [id, await this.status.trace(id)] as const)),
    );
    return sendPage(reply, flow.events.length ? 200 : 404, flowPage(ctx, { q, flow, traces }));
  }

  @Get('bus')
  async busView(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [streams, services] = await Promise.all([this.bus.streams(), this.status.services()]);
    return sendPage(reply, 200, busPage(context(who, req, reply), streams, services));
  }

  @Get('dead-letters')
  async deadLetterList(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const query = req.query as Query;
    const replayed = wholeNumber(first(query.replayed));
    const discarded = wholeNumber(first(query.discarded));
    const as = first(query.as);
    const notice =
      replayed !== undefined
        ? `Dead letter #${replayed} was replayed${as && /^[A-Z0-9_-]{1,64}#[0-9]{1,16}$/.test(as) ? ` as ${as}` : ''}.`
        : discarded !== undefined
          ? `Dead letter #${discarded} was discarded; the reason is in the audit trail.`
          : undefined;
    return this.renderDeadLetters(
      who,
      req,
      reply,
      200,
      { ...(notice ? { notice } : {}) },
      wholeNumber(first(query.from)),
    );
  }

  @Post('dead-letters/:seq/replay')
  @HttpCode(200)
  async replay(
    @Param('seq') seqText: string,
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!csrfHolds(req, fieldOf(req.body, 'csrf'))) return refuseForm(who, req, reply);
    const seq = wholeNumber(seqText);
    try {
      if (seq === undefined) return this.unknownLetter(who, req, reply, seqText);
      const replayed = await this.deadLetters.replay(seq, who);
      reply.redirect(
        `${consolePaths.section('dead-letters')}?replayed=${seq}&as=${replayed.stream}%23${replayed.seq}`,
        303,
      );
      return '';
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      return this.renderDeadLetters(who, req, reply, p.status, {
        problem: `Dead letter #${seqText} was not replayed: ${p.detail ?? p.title}.`,
      });
    }
  }

  @Post('dead-letters/:seq/discard')
  @HttpCode(200)
  async discard(
    @Param('seq') seqText: string,
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!csrfHolds(req, fieldOf(req.body, 'csrf'))) return refuseForm(who, req, reply);
    const seq = wholeNumber(seqText);
    const reason = fieldOf(req.body, 'reason') ?? '';
    try {
      if (seq === undefined) return this.unknownLetter(who, req, reply, seqText);
      await this.deadLetters.discard(seq, reason, who);
      reply.redirect(`${consolePaths.section('dead-letters')}?discarded=${seq}`, 303);
      return '';
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      const problem = `Dead letter #${seqText} was not discarded: ${p.detail ?? p.title}.`;
      return this.renderDeadLetters(who, req, reply, p.status, {
        ...(p.status === 422 ? { refused: { seq: seq!, reason: reason.slice(0, 1000), problem } } : {}),
        problem,
      });
    }
  }

  @Get('rejections')
  async rejections(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const asked = wholeNumber(first((req.query as Query).days));
    const days = asked !== undefined && LOOKBACK_DAYS.includes(asked) ? asked : 14;
    return sendPage(reply, 200, rejectionsPage(context(who, req, reply), await this.read.rejections(days)));
  }

  @Get('trail')
  async trail(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const state = await this.read.trailState();
    const justVerified = first((req.query as Query).verified) === '1' ? state.lastVerification : undefined;
    return sendPage(reply, 200, trailPage(context(who, req, reply), state, justVerified));
  }

  @Post('trail/verification')
  @HttpCode(200)
  async verifyNow(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!csrfHolds(req, fieldOf(req.body, 'csrf'))) return refuseForm(who, req, reply);
    const report = await this.verification.verify();
    await this.deadLetters.record(who, 'trail.verified', {
      verification: {
        ok: report.ok,
        headSeq: report.head.seq,
        checked: report.entriesChecked,
        ...(report.firstBreak
          ? {
              firstBreakSeq: report.firstBreak.seq,
              firstBreakReason: report.firstBreak.reason.slice(0, 1000),
            }
          : {}),
      },
    });
    reply.redirect(`${consolePaths.section('trail')}?verified=1`, 303);
    return '';
  }

  @Get('services')
  async services(
    @CurrentPrincipal() who: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const services = await this.status.services();
    return sendPage(
      reply,
      200,
      servicesPage(context(who, req, reply), services, this.status.traceBackendConfigured),
    );
  }

  private async renderDeadLetters(
    who: Principal,
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: Partial<DeadLettersPageData>,
    fromSeq?: number,
  ): Promise<string> {
    const list = await this.deadLetters.list(fromSeq);
    return sendPage(reply, status, deadLettersPage(context(who, req, reply), { ...list, ...extra }));
  }

  private unknownLetter(who: Principal, req: FastifyRequest, reply: FastifyReply, seqText: string) {
    return this.renderDeadLetters(who, req, reply, 404, {
      problem: `There is no dead letter #${seqText.slice(0, 32)}: a dead letter is named by its place in the DLQ stream (1, 2, …).`,
    });
  }
}

function context(who: Principal, req: FastifyRequest, reply: FastifyReply): PageContext {
  return { who, csrf: csrfTokenOf(req, reply) };
}

function refuseForm(who: Principal, req: FastifyRequest, reply: FastifyReply): string {
  return sendPage(
    reply,
    403,
    errorPage(
      context(who, req, reply),
      403,
      'Form refused',
      'The form did not come from this console, or it has expired: open the page again and repeat the action.',
    ),
  );
}
