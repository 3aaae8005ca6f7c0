import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import type {
  SubscriptionCreateCommand,
  SubscriptionResumeCommand,
  SubscriptionRotateSecretCommand,
} from '@openlgsp/contracts';
import { CommandBody, PageQuery } from '@openlgsp/http';
import { SubscriptionsService } from './subscriptions.service.js';

const uuid = new ParseUUIDPipe();

/**
 * Webhook subscriptions to the change feed (FEED.md, 3): a registered external app (API key, rate
 * limited by the shared guard) or an agency's system; each sees and manages only its own.
 */
@ApiTags('feed')
@ApiSecurity('api-key')
@Controller('subscriptions')
@Roles('public-app', 'integrator')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe a URL to the change feed; the answer carries its signing secret, once',
    description:
      'The URL must reach a public address (private, loopback and link-local ones are refused, as is a ' +
      'host resolving to one); redirects are never followed. Deliveries start after `from` or from now on.',
  })
  subscribe(
    @CommandBody('opendata.subscription.create') body: SubscriptionCreateCommand,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.subscriptions.subscribe(body, by);
  }

  @Get()
  @ApiOperation({
    summary:
      'The caller’s own subscriptions (status, cursor, recent attempts; never a secret), a page at a time',
    description: '`?limit=` (1 to 200, default 50) and `?cursor=` (the previous page’s `nextCursor`).',
  })
  list(@Query() page: PageQuery, @CurrentPrincipal() by: Principal) {
    return this.subscriptions.list(by, {
      limit: page.limit,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  }

  @Get(':subscriptionId')
  @ApiOperation({
    summary: 'Its status, cursor (last acknowledged position) and the last 100 delivery attempts',
  })
  view(@Param('subscriptionId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.subscriptions.view(id, by);
  }

  @Post(':subscriptionId/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause deliveries; the cursor stays where it is' })
  pause(@Param('subscriptionId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.subscriptions.pause(id, by);
  }

  @Post(':subscriptionId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused subscription from its cursor, or after the position `from`' })
  resume(
    @Param('subscriptionId', uuid) id: string,
    @CommandBody('opendata.subscription.resume') body: SubscriptionResumeCommand,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.subscriptions.resume(id, body.from, by);
  }

  @Post(':subscriptionId/secret-rotation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret (returned once); the old one keeps signing beside it for the overlap',
  })
  rotateSecret(
    @Param('subscriptionId', uuid) id: string,
    @CommandBody('opendata.subscription.rotate-secret') body: SubscriptionRotateSecretCommand,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.subscriptions.rotateSecret(id, body.overlapSeconds, by);
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the subscription; nothing more is delivered' })
  async remove(@Param('subscriptionId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    await this.subscriptions.remove(id, by);
  }
}
