import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { Public } from '@openlgsp/auth';
import { BODY_DOTTED_KEYS } from '@openlgsp/http';
import { NotFoundError } from '@openlgsp/domain';
import { CKAN_ERROR_STATUS, ckanFailure, ckanSuccess, helpUrl, type CkanErrorType } from './ckan.envelope.js';
import { CkanService, CkanValidationError, type CkanParams } from './ckan.service.js';
import { PublicCatalogueService } from '../public-catalogue/public-catalogue.service.js';

/**
 * CKAN's Action API v3 (read-only subset, CKAN.md) so CKAN clients and harvesters read the portal
 * unchanged. Answers and refusals are CKAN's envelope, not problem+json: that is what those clients parse.
 */
@ApiTags('CKAN API')
@Controller('api/3/action')
@Public()
export class CkanController {
  private readonly apiBase: string;

  constructor(
    private readonly ckan: CkanService,
    catalogue: PublicCatalogueService,
  ) {
    this.apiBase = `${catalogue.config.apiUrl}/api`;
  }

  @Get(':action')
  @ApiOperation({ summary: 'A CKAN action with its parameters in the query string' })
  get(
    @Param('action') action: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const url = new URL(request.url, 'http://local');
    const params: CkanParams = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      params[key] = all.length > 1 ? all : all[0];
    }
    return this.run(action, params, reply);
  }

  @Post(':action')
  @HttpCode(200)
  // CKAN names these parameters with dots; the body is read as parameters, never stored.
  @RouteConfig({ [BODY_DOTTED_KEYS]: ['facet.field', 'facet.limit', 'facet.mincount'] })
  @ApiOperation({ summary: 'A CKAN action with its parameters in a JSON body' })
  post(
    @Param('action') action: string,
    @Body() body: unknown,
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const params = body && typeof body === 'object' && !Array.isArray(body) ? (body as CkanParams) : {};
    return this.run(action, { ...query, ...params }, reply);
  }

  private async run(action: string, params: CkanParams, reply: FastifyReply) {
    const help = helpUrl(this.apiBase, action);
    const fail = (type: CkanErrorType, message: string, fields: Record<string, string[]> = {}) => {
      void reply.status(CKAN_ERROR_STATUS[type]);
      return ckanFailure(help, type, message, fields);
    };
    const run = Object.hasOwn(this.ckan.actions, action) ? this.ckan.actions[action] : undefined;
    if (!run) return fail('Not Found Error', `Action name not known: ${action.slice(0, 80)}`);
    try {
      return ckanSuccess(help, await run(params));
    } catch (err) {
      if (err instanceof CkanValidationError) return fail('Validation Error', err.message, err.errors);
      if (err instanceof NotFoundError) return fail('Not Found Error', `Not found: ${err.message}`);
      throw err;
    }
  }
}
