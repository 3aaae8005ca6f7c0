import type {
  RegistrationDecideCommand,
  RegistrationProposeCommand,
  RegistrationRequestCommand,
} from '@openlgsp/contracts';
import { OneOf, PageQuery } from '@openlgsp/http';
import type { RegistrationStatus } from './registration.model.js';

// Bodies are the commands of contracts/commands/incidents (validated by @CommandBody).
export type RequestRegistrationDto = RegistrationRequestCommand;
export type ProposeRegistrationDto = RegistrationProposeCommand;
export type DecideRegistrationDto = RegistrationDecideCommand;

export class RegistrationQuery extends PageQuery {
  @OneOf(['requested', 'proposed', 'approved', 'rejected'] as const, true)
  status?: RegistrationStatus;
}
