import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, FixedWindowRateLimiter, Public, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody, problem, ProblemError } from '@openlgsp/http';
import { FEEDBACK_CONFIG, type FeedbackConfig } from './feedback.config.js';
import { FeedbackListQuery, type AnswerFeedbackDto, type SendFeedbackDto } from './feedback.dto.js';
import { FeedbackService } from './feedback.service.js';

export const FEEDBACK_LIMITER = Symbol('FEEDBACK_LIMITER');
const uuid = new ParseUUIDPipe();

/** Public feedback (000 Điều 10.5): anyone sends and reads it; the owning agency (or DIC) answers. */
@ApiTags('feedback')
@Controller('feedback')
export class FeedbackController {
  constructor(
    private readonly feedback: FeedbackService,
    @Inject(FEEDBACK_LIMITER) private readonly limiter: FixedWindowRateLimiter,
    @Inject(FEEDBACK_CONFIG) private readonly config: FeedbackConfig,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Send feedback on an open dataset or a sharing service (no account needed; rate limited per address)',
  })
  send(
    @CommandBody('opendata.feedback.send') body: SendFeedbackDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const decision = this.limiter.take(request.ip, this.config.perAddressPerHour);
    if (!decision.allowed) {
      void reply.header('retry-after', String(decision.retryAfterSeconds));
      throw new ProblemError(
        problem(
          429,
          `at most ${this.config.perAddressPerHour} feedback an hour from one address; try again later`,
          {
            code: 'too-many-requests',
          },
        ),
      );
    }
    return this.feedback.send(body);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The feedback on a dataset (?dataset=) or a sharing service (?service=), with answers',
  })
  list(@Query() q: FeedbackListQuery) {
    const given = [
      q.dataset && { kind: 'dataset' as const, id: q.dataset },
      q.service && { kind: 'service' as const, id: q.service },
    ].filter((t) => !!t);
    if (given.length !== 1)
      throw new ProblemError(
        problem(400, 'name one dataset or one service', {
          code: 'invalid-request',
          errors: [{ path: '?dataset', message: 'give exactly one of dataset and service' }],
        }),
      );
    return this.feedback.list(given[0]!, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: "One feedback (the sender's page); the owning agency and DIC also see the sender's contact",
  })
  get(@Param('id', uuid) id: string, @CurrentPrincipal() by: Principal | undefined) {
    return this.feedback.get(id, by);
  }

  @Post(':id/answer')
  @HttpCode(200)
  @Roles('provider', 'integrator', 'dic')
  @ApiOperation({ summary: 'Answer a feedback, publicly, once (the owning agency or DIC)' })
  answer(
    @Param('id', uuid) id: string,
    @CommandBody('opendata.feedback.answer') body: AnswerFeedbackDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.feedback.answer(id, body.answer, by);
  }
}
