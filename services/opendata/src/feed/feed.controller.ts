import { Controller, Get, Header, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Public } from '@openlgsp/auth';
import { ANY_CHANGE } from './feed.model.js';
import { FeedService, orBadRequest } from './feed.service.js';
import { parseFeedFilter, parseFeedRequest } from './position.rules.js';
import { SSE_HEADERS } from './sse.js';

type FeedQuery = Parameters<typeof parseFeedRequest>[0];

/** What this controller needs of Fastify's request and reply (the platform's adapter). */
interface StreamRequest {
  query: unknown;
  /** The client's address (behind the platform's proxies, from X-Forwarded-For). */
  ip: string;
}
interface StreamReply {
  hijack(): void;
  header(name: string, value: string): unknown;
  raw: ServerResponse;
}

const ATOM_DEFAULT_ENTRIES = 50;

/** The change feed for anyone: Server-Sent Events and Atom (FEED.md, 2 and 4). */
@ApiTags('feed')
@Controller()
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get('feed')
  @Public()
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'The change feed as Server-Sent Events',
    description:
      '`?dataset=&publisher=&theme=&type=` filter (repeated or comma-separated, at most 20 values each); ' +
      '`?since=<position|RFC 3339 time>` or `Last-Event-ID` resume after a position. Each message: ' +
      '`id` = position, `event` = CloudEvent type, `data` = the CloudEvent. A client too slow to keep ' +
      'up gets a `disconnect` message with the position to resume after. Streams are bounded per ' +
      'client address (429) and per instance (503), both with Retry-After. See services/opendata/FEED.md.',
  })
  @ApiResponse({ status: 429, description: 'Too many streams from this address (problem+json, Retry-After)' })
  @ApiResponse({ status: 503, description: 'This instance is full (problem+json, Retry-After)' })
  async stream(
    @Req() request: StreamRequest,
    @Res() reply: StreamReply,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<void> {
    const wanted = orBadRequest(parseFeedRequest(request.query as FeedQuery, lastEventId));
    const place = this.feed.admit(request.ip);
    if ('refused' in place) {
      reply.header('retry-after', String(place.retryAfterSeconds));
      throw place.refused;
    }
    reply.raw.once('close', place.release);
    // From here on the socket is the stream's: Fastify neither answers nor serialises for us.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { ...SSE_HEADERS, connection: 'keep-alive' });
    raw.flushHeaders();
    try {
      await this.feed.serve(raw, wanted);
    } catch {
      // The fan-out has sent the `disconnect` frame (feed-unavailable) and ended the stream.
    }
  }

  @Get('feed.atom')
  @Public()
  @Header('content-type', 'application/atom+xml; charset=utf-8')
  @Header('cache-control', 'public, max-age=60')
  @ApiProduces('application/atom+xml')
  @ApiOperation({
    summary: 'The recent changes as an Atom 1.0 feed for feed readers, newest first',
    description:
      'Takes the same filters as the SSE feed, `?limit=` (1 to 100, default 50) and `?lang=vi|en`.',
  })
  atom(@Query() query: FeedQuery & { limit?: string; lang?: string }): Promise<string> {
    const violations = [];
    const filter = parseFeedFilter(query);
    if (!filter.ok) violations.push(...filter.violations);
    const limit = query.limit === undefined ? ATOM_DEFAULT_ENTRIES : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      violations.push({
        kind: 'invalid' as const,
        code: 'invalid-limit',
        message: 'limit is a whole number from 1 to 100',
        path: '?limit',
      });
    const lang = query.lang ?? 'vi';
    if (lang !== 'vi' && lang !== 'en')
      violations.push({
        kind: 'invalid' as const,
        code: 'invalid-lang',
        message: 'lang is vi or en',
        path: '?lang',
      });
    const checked = orBadRequest(
      violations.length
        ? { ok: false, violations }
        : { ok: true, value: filter.ok ? filter.value : ANY_CHANGE },
    );
    return this.feed.atom(checked, limit, lang as 'vi' | 'en');
  }
}
