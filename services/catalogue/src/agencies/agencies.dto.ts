import type { AgencyRegisterCommand, AgencyUpdateCommand } from '@openlgsp/contracts';

// Request bodies are the commands of contracts/commands/catalogue (validated by @CommandBody).
export type RegisterAgencyDto = AgencyRegisterCommand;
export type AgencyDetailsDto = AgencyUpdateCommand;
