import type { WarningIssueCommand } from '@openlgsp/contracts';
import { PageQuery } from '@openlgsp/http';

// The body is the command of contracts/commands/incidents/warning.issue.json (validated by @CommandBody).
export type IssueWarningDto = WarningIssueCommand;

export class WarningQuery extends PageQuery {}
