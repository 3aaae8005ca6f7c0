import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { HttpIntake } from '@openlgsp/http';

/** `POST /sharing/events`: integrators' CloudEvents over HTTP (file a request, answer a usage-report demand). */
@ApiTags('intake')
@Controller('events')
export class IntakeController {
  constructor(private readonly intake: HttpIntake) {}

  @Post()
  @HttpCode(202)
  @Roles('integrator', 'provider', 'consumer')
  @ApiOperation({
    summary: 'Submit an intake CloudEvent (binary or structured mode)',
    description:
      'Accepted events go onto lgsp.intake.<agency>.sharing.…; if the use case refuses one, the reasons arrive on lgsp.rejected.<agency>.',
  })
  accept(@Req() request: FastifyRequest, @CurrentPrincipal() by: Principal) {
    return this.intake.accept('sharing', { headers: request.headers, body: request.body }, by);
  }
}
