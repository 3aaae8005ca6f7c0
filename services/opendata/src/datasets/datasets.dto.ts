import type {
  DatasetCreateCommand,
  DatasetEditCommand,
  DatasetRetractCommand,
  DatasetReturnCommand,
  ReviewRecordCommand,
} from '@openlgsp/contracts';
import { OneOf, PageQuery } from '@openlgsp/http';
import type { DatasetStatus } from './dataset.model.js';

// Request bodies are the commands of contracts/commands/opendata (validated by @CommandBody).
export type CreateDatasetDto = DatasetCreateCommand;
export type EditDatasetDto = DatasetEditCommand;
export type ReturnDatasetDto = DatasetReturnCommand;
export type RetractDatasetDto = DatasetRetractCommand;
export type RecordReviewDto = ReviewRecordCommand;

export const DATASET_STATUSES = ['draft', 'submitted', 'returned', 'published', 'retracted'] as const;

export class DatasetQuery extends PageQuery {
  @OneOf(DATASET_STATUSES, true)
  status?: DatasetStatus;
}
