import { Controller, HttpCode, Module, Post, Req, type Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
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
      description: `Accepted events go onto lgsp.intake.<agency>.${context}.…; if the use case refuses one, the reasons arrive on lgsp.rejected.<agency>.`,
    })
    accept(@Req() request: FastifyRequest, @CurrentPrincipal() by: Principal) {
      return this.intake.accept(context, { headers: request.headers, body: request.body }, by);
    }
  }

  @Module({ controllers: [IntakeController] })
  class IntakeModule {}
  return IntakeModule;
}
