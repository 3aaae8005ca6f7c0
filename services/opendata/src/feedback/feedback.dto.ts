import type { FeedbackAnswerCommand, FeedbackSendCommand } from '@openlgsp/contracts';
import { PageQuery, UuidField } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/opendata (validated by @CommandBody).
export type SendFeedbackDto = FeedbackSendCommand;
export type AnswerFeedbackDto = FeedbackAnswerCommand;

/** `GET /opendata/feedback?dataset=…` or `?service=…`: the feedback on one of them. */
export class FeedbackListQuery extends PageQuery {
  @UuidField(true, 'the open dataset')
  dataset?: string;

  @UuidField(true, 'the sharing service')
  service?: string;
}
