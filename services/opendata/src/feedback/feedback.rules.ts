import type { Fact } from '@openlgsp/contracts';
import { fail, ok, type Actor, type Result } from '@openlgsp/domain';
import { actsAsOwnerOf, forbidden, isDic } from '../common/actor.js';
import { normaliseText } from '../datasets/metadata.rules.js';
import type { FeedbackState, FeedbackSubject, PublicFeedback, SenderContact } from './feedback.model.js';

export interface FeedbackChange {
  next: FeedbackState;
  facts: Fact[];
}

const SOURCE = '000 Điều 10.5';
export const TEXT_MIN = 10;
export const TEXT_MAX = 4000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9+() .-]{3,32}$/;

function checkText(value: string, path: string, what: string): Result<string> {
  const text = value.normalize('NFC').trim();
  if (text.length < TEXT_MIN)
    return fail('invalid', 'too-short', `${what} needs at least ${TEXT_MIN} characters`, { path });
  if (text.length > TEXT_MAX)
    return fail('invalid', 'too-long', `${what} has ${text.length} characters; at most ${TEXT_MAX}`, {
      path,
    });
  return ok(text);
}

function checkSender(sender: SenderContact): Result<SenderContact> {
  const s = normaliseText(sender);
  if (s.name !== undefined && (!s.name.trim() || s.name.length > 300))
    return fail('invalid', 'name', 'a name has 1 to 300 characters', { path: '/sender/name' });
  if (s.email !== undefined && (s.email.length > 254 || !EMAIL.test(s.email)))
    return fail('invalid', 'email', `'${s.email}' is not an email address`, { path: '/sender/email' });
  if (s.phone !== undefined && !PHONE.test(s.phone))
    return fail('invalid', 'phone', `'${s.phone}' is not a phone number`, { path: '/sender/phone' });
  return ok(s);
}

/** Anyone sends feedback on an open dataset or a sharing service; it goes to the owning agency. */
export function receive(
  id: string,
  subject: FeedbackSubject,
  input: { text: string; sender?: SenderContact },
  now: Date,
): Result<FeedbackChange> {
  if (!subject.open)
    return fail('not-found', 'no-such-target', `no open ${subject.target.kind} ${subject.target.id}`, {
      path: '/target',
    });
  const text = checkText(input.text, '/text', 'the feedback');
  if (!text.ok) return text;
  const sender = checkSender(input.sender ?? {});
  if (!sender.ok) return sender;
  const next: FeedbackState = {
    _id: id,
    revision: 1,
    target: subject.target,
    ownerAgency: subject.ownerAgency,
    text: text.value,
    sender: sender.value,
    status: 'received',
    answer: null,
    receivedAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.opendata.feedback.received.v1',
        // Never the sender: the event is on the public change feed.
        data: {
          feedbackId: id,
          target: next.target,
          ownerAgency: next.ownerAgency,
          text: next.text,
          receivedAt: now.toISOString(),
        },
      },
    ],
  });
}

/**
 * The owning agency answers, once; the answer is public (000 Điều 10.5). DIC, which runs the portal and
 * routes feedback (000 Điều 10), may answer too, e.g. feedback on the portal's own side of a dataset.
 */
export function answer(feedback: FeedbackState, text: string, by: Actor, now: Date): Result<FeedbackChange> {
  if (!actsAsOwnerOf(by, feedback.ownerAgency) && !isDic(by))
    return forbidden(
      'not-owner',
      `the feedback is routed to ${feedback.ownerAgency}, which answers it (or DIC)`,
      SOURCE,
    );
  if (feedback.status === 'answered')
    return fail('conflict', 'already-answered', 'the feedback is already answered');
  const checked = checkText(text, '/answer', 'the answer');
  if (!checked.ok) return checked;
  const next: FeedbackState = {
    ...feedback,
    status: 'answered',
    answer: { text: checked.value, by: by.sub, at: now },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.opendata.feedback.answered.v1',
        data: {
          feedbackId: feedback._id,
          target: feedback.target,
          ownerAgency: feedback.ownerAgency,
          answer: checked.value,
          answeredAt: now.toISOString(),
        },
      },
    ],
  });
}

/** What anyone may read: never the sender's contact details, nor which officer answered. */
export function publicView(feedback: FeedbackState): PublicFeedback {
  return {
    feedbackId: feedback._id,
    target: feedback.target,
    ownerAgency: feedback.ownerAgency,
    text: feedback.text,
    status: feedback.status,
    answer: feedback.answer ? { text: feedback.answer.text, at: feedback.answer.at.toISOString() } : null,
    receivedAt: feedback.receivedAt.toISOString(),
  };
}

/** The owner (to reply) and DIC (which routes it) also see how to reach the sender. */
export function agencyView(
  feedback: FeedbackState,
  by: Actor,
): (PublicFeedback & { sender: SenderContact }) | PublicFeedback {
  const view = publicView(feedback);
  return by.agency === feedback.ownerAgency || isDic(by) ? { ...view, sender: { ...feedback.sender } } : view;
}
