import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@openlgsp/auth';
import { CLOCK, type Clock } from '@openlgsp/events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { langOf, type Lang } from './portal.i18n.js';
import { PAGE_CSP, type Html } from '@openlgsp/http';
import { portalPaths } from './portal.links.js';
import { PORTAL_CSS } from './portal.css.js';
import {
  datasetPage,
  feedbackPage,
  homePage,
  notFoundPage,
  publisherPage,
  type FeedbackForm,
  type PageContext,
} from './portal.pages.js';
import { searchParamsOf } from './portal.query.js';
import { PORTAL_READ_MODEL, type PortalReadModel } from './portal.read-model.js';
import { PORTAL_SETTINGS, type PortalSettings } from './portal.settings.js';

const ID = /^[A-Za-z0-9._-]{1,100}$/;
const FORM_FIELD_MAX = 4000;

/** Read from the request itself: the shared validation pipe is for DTO classes, not free query strings. */
type Query = Record<string, string | string[] | undefined>;

/** The public portal: server-rendered pages for citizens, in Vietnamese or English, no JavaScript needed. */
@ApiExcludeController()
@Public()
@Controller('portal')
export class PortalController {
  constructor(
    @Inject(PORTAL_READ_MODEL) private readonly read: PortalReadModel,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async home(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const ctx = context(req);
    const params = searchParamsOf(req.query as Query);
    const result = await this.read.search(params);
    return page(reply, ctx, 200, homePage(ctx, params, result));
  }

  @Get('portal.css')
  stylesheet(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600');
    return PORTAL_CSS;
  }

  @Get('datasets/:datasetId')
  async dataset(
    @Param('datasetId') datasetId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.renderDataset(datasetId, context(req), reply, 200);
  }

  /** The feedback form's plain POST: accepted → see-other to the feedback's own page; else the form again. */
  @Post('datasets/:datasetId/feedback')
  @HttpCode(200)
  async sendFeedback(
    @Param('datasetId') datasetId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ctx = context(req);
    if (!ID.test(datasetId)) return page(reply, ctx, 404, notFoundPage(ctx));
    const values = formValues(req.body);
    const outcome = await this.read.submitFeedback({
      target: { kind: 'dataset', id: datasetId },
      from: { ip: req.ip },
      text: values.text,
      sender: {
        ...(values.name.trim() ? { name: values.name.trim() } : {}),
        ...(values.email.trim() ? { email: values.email.trim() } : {}),
        ...(values.phone.trim() ? { phone: values.phone.trim() } : {}),
      },
    });
    if (outcome.ok) {
      reply.redirect(portalPaths.feedback(outcome.feedbackId, ctx.lang, true), 303);
      return '';
    }
    if (outcome.reason === 'not-found') return page(reply, ctx, 404, notFoundPage(ctx));
    const form: FeedbackForm =
      outcome.reason === 'rate-limited'
        ? { values, problems: [], rateLimited: true }
        : { values, problems: outcome.problems, rateLimited: false };
    return this.renderDataset(datasetId, ctx, reply, outcome.reason === 'rate-limited' ? 429 : 400, form);
  }

  @Get('publishers/:code')
  async publisher(
    @Param('code') code: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ctx = context(req);
    const publisher = ID.test(code) ? await this.read.publisher(code) : null;
    return publisher
      ? page(reply, ctx, 200, publisherPage(ctx, publisher))
      : page(reply, ctx, 404, notFoundPage(ctx));
  }

  @Get('feedback/:feedbackId')
  async feedback(
    @Param('feedbackId') feedbackId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ctx = context(req);
    const feedback = ID.test(feedbackId) ? await this.read.feedback(feedbackId) : null;
    if (!feedback) return page(reply, ctx, 404, notFoundPage(ctx));
    const about = feedback.target.kind === 'dataset' ? await this.read.dataset(feedback.target.id) : null;
    return page(
      reply,
      ctx,
      200,
      feedbackPage(
        ctx,
        feedback,
        about
          ? { datasetId: about.dataset.version.datasetId, title: about.dataset.version.metadata.title }
          : null,
        (req.query as Query).sent === '1',
      ),
    );
  }

  private async renderDataset(
    datasetId: string,
    ctx: PageContext,
    reply: FastifyReply,
    status: number,
    form?: FeedbackForm,
  ) {
    const data = ID.test(datasetId) ? await this.read.dataset(datasetId) : null;
    if (!data) return page(reply, ctx, 404, notFoundPage(ctx));
    const feedback = await this.read.feedbackFor(datasetId);
    return page(
      reply,
      ctx,
      status,
      datasetPage(ctx, {
        data,
        feedback,
        now: this.clock(),
        links: this.settings.links,
        licences: this.settings.licences,
        ...(form ? { form } : {}),
      }),
    );
  }
}

function context(req: FastifyRequest): PageContext {
  const query = req.query as Query;
  const lang: Lang = langOf(Array.isArray(query.lang) ? query.lang[0] : query.lang);
  return { lang, currentUrl: req.url };
}

function page(reply: FastifyReply, ctx: PageContext, status: number, body: Html): string {
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('content-language', ctx.lang);
  return body.text;
}

/** The form's fields as text, each bounded; anything else the body holds is ignored. */
function formValues(body: unknown): FeedbackForm['values'] {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const field = (name: string) => {
    const value = record[name];
    return typeof value === 'string' ? value.slice(0, FORM_FIELD_MAX + 1) : '';
  };
  return { text: field('text'), name: field('name'), email: field('email'), phone: field('phone') };
}
