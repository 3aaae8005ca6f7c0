import type { FeedbackTarget } from '@openlgsp/contracts';

/**
 * Feedback from a person or organisation about an open dataset or a sharing service, routed to the
 * owning agency, which answers (000 Điều 10.5). The text, status and answer are public; the
 * sender's contact details are kept for the owner and DIC only, never published nor put on an event.
 */
export interface FeedbackState {
  _id: string;
  revision: number;
  target: FeedbackTarget;
  /** The agency the feedback is routed to: the dataset's owner or the service's provider. */
  ownerAgency: string;
  text: string;
  sender: SenderContact;
  status: 'received' | 'answered';
  answer: { text: string; by: string; at: Date } | null;
  receivedAt: Date;
  updatedAt: Date;
}

/** How the agency may reach the sender; every part optional (anonymous feedback is welcome). */
export interface SenderContact {
  name?: string;
  email?: string;
  phone?: string;
}

/** What a feedback is about, as the use case found it: its owner and whether the public may see it. */
export interface FeedbackSubject {
  target: FeedbackTarget;
  ownerAgency: string;
  /** A dataset with a public version, or a sharing service not retired. */
  open: boolean;
}

/** What anyone may read. */
export interface PublicFeedback {
  feedbackId: string;
  target: FeedbackTarget;
  ownerAgency: string;
  text: string;
  status: FeedbackState['status'];
  answer: { text: string; at: string } | null;
  receivedAt: string;
}
