import type { AssessmentConfirmCommand, AssessmentRecordCommand } from '@openlgsp/contracts';

// Bodies are the commands of contracts/commands/incidents (validated by @CommandBody).
export type RecordAssessmentDto = AssessmentRecordCommand;
export type ConfirmAssessmentDto = AssessmentConfirmCommand;
