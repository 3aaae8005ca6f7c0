import { Controller, HttpCode, Module, Post, Req, Res, type Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { HttpIntake } from './intake.js';

/**
 * `POST /<service>/events`: the service's intake CloudEvents over HTTP. `accepts` names them for the
 * API docs (e.g. "file a request, answer a usage-report demand").
 */
export function intakeModuleFor(context: string, accepts: string): Type<unknown> {
  @ApiTags('intake')
  @Controller('events')
  class IntakeController {
    constructor(readonly intake: HttpIntake) {}

    @Post()
    @HttpCode(202)
    @Roles('integrator', 'provider', 'consumer')
    @ApiOperation({
      summary: `Submit an intake CloudEvent (binary or structured mode): ${accepts}`,
      description: `Accepted events go onto lgsp.intake.<agency>.${context}.… (202); the agency is the caller's, and an \`agency\` attribute may only repeat it. The same event (source and id) sent again by the same agency is answered 200 with \`duplicate: true\` and changes nothing. If the use case refuses an event, the reasons arrive on lgsp.rejected.<agency>.`,
    })
    async accept(
      @Req() request: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
      @CurrentPrincipal() by: Principal,
    ) {
      const receipt = await this.intake.accept(context, { headers: request.headers, body: request.body }, by);
      // A retry is not a new acceptance: 200 says "already have it", 202 "taken for processing".
      if (receipt.duplicate) reply.status(200);
      return receipt;
    }
  }

  @Module({ controllers: [IntakeController] })
  class IntakeModule {}
  return IntakeModule;
}
