import { Body, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import {
  commandOpenApiSchemas,
  validateCommand,
  type CommandBodyByName,
  type CommandName,
} from '@openlgsp/contracts';
import { ProblemError, problem } from './problem.js';

/** Validates a request body against its command schema (contracts/commands): the rules the events keep. */
@Injectable()
export class CommandBodyPipe<N extends CommandName> implements PipeTransform<unknown, CommandBodyByName[N]> {
  constructor(private readonly command: N) {}

  transform(body: unknown): CommandBodyByName[N] {
    // No body is an empty one: commands whose fields are all optional may be sent without.
    const value = body === undefined || body === null || body === '' ? {} : body;
    const result = validateCommand(this.command, value);
    if (!result.ok)
      throw new ProblemError(
        problem(400, 'The request does not match what this endpoint accepts.', {
          code: 'invalid-request',
          errors: result.errors,
        }),
      );
    return value as CommandBodyByName[N];
  }
}

/**
 * The body of a command endpoint, e.g. `@CommandBody('catalogue.proposal.submit') body: ProposalSubmitCommand`:
 * validated with the compiled schema of contracts/commands/<service>/<entity>.<verb>.json and documented
 * in OpenAPI from the same schema, so a field's rule is written once, in the contracts.
 */
export function CommandBody(command: CommandName): ParameterDecorator {
  return (target, key, index) => {
    Body(new CommandBodyPipe(command))(target, key, index);
    if (key !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
      ApiBody({ schema: commandOpenApiSchemas[command], required: true })(target, key, descriptor);
    }
  };
}
