import { fail, ok, type Result } from '@openlgsp/domain';

/** One message of the `DLQ` stream, as the console shows it. */
export interface DeadLetter {
  /** Its place in the DLQ stream: the id the operator acts on. */
  seq: number;
  /** `lgsp.dlq.<service>`: the service whose consumer gave up on it. */
  subject: string;
  time: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

/** Why a dead letter is there and where it came from, read from the headers the consumer wrote. */
export interface DeadLetterFacts {
  service: string;
  reason: string;
  originalSubject?: string;
  originalStream?: string;
  deliveries?: number;
  eventId?: string;
  eventType?: string;
  traceId?: string;
}

export function factsOf(letter: DeadLetter): DeadLetterFacts {
  const h = letter.headers;
  const deliveries = Number(h['Lgsp-Dlq-Deliveries']);
  const traceId = /^00-([0-9a-f]{32})-/.exec(h['ce-traceparent'] ?? '')?.[1];
  return {
    service: letter.subject.replace(/^lgsp\.dlq\./, ''),
    reason: h['Lgsp-Dlq-Reason'] || '(no reason recorded)',
    ...(h['Lgsp-Dlq-Subject'] ? { originalSubject: h['Lgsp-Dlq-Subject'] } : {}),
    ...(h['Lgsp-Dlq-Stream'] ? { originalStream: h['Lgsp-Dlq-Stream'] } : {}),
    ...(Number.isInteger(deliveries) ? { deliveries } : {}),
    ...(h['ce-id'] ? { eventId: h['ce-id'] } : {}),
    ...(h['ce-type'] ? { eventType: h['ce-type'] } : {}),
    ...(traceId ? { traceId } : {}),
  };
}

/** The headers the consumer added to say why; a replay leaves them behind. */
export const DEAD_LETTER_HEADERS = [
  'Lgsp-Dlq-Reason',
  'Lgsp-Dlq-Subject',
  'Lgsp-Dlq-Stream',
  'Lgsp-Dlq-Deliveries',
];

/**
 * Where a replay sends a dead letter: back to the subject it failed on, so the stream that owns it
 * delivers it again to its consumers (each skips an event id it already applied: a replay applies once).
 * Refused: an event that broke its contract at publish (it would break it again, the code must change),
 * and anything without a platform subject outside the dead letters.
 */
export function replayTarget(facts: DeadLetterFacts): Result<{ subject: string; stream: string }> {
  if (facts.originalStream?.startsWith('outbox:'))
    return fail(
      'conflict',
      'not-replayable',
      'this event broke its contract when it was published; replaying it would fail again — fix the code that wrote it, then discard it',
    );
  const subject = facts.originalSubject;
  if (!subject || !facts.originalStream)
    return fail(
      'conflict',
      'not-replayable',
      'the dead letter does not say which subject and stream it came from',
    );
  if (!/^lgsp(\.[A-Za-z0-9_-]+)+$/.test(subject) || subject.startsWith('lgsp.dlq.'))
    return fail('conflict', 'not-replayable', `'${subject}' is not a subject a replay may publish to`);
  return ok({ subject, stream: facts.originalStream });
}

export const DISCARD_REASON_MAX = 1000;

/** 002 Điều 4.4: a discarded message leaves its reason in the audit trail, so a reason is required. */
export function discardReason(text: unknown): Result<string> {
  const reason = typeof text === 'string' ? text.trim() : '';
  if (!reason)
    return fail('invalid', 'reason-required', 'say why this dead letter is discarded', {
      path: '/reason',
      source: '002 Điều 4.4',
    });
  if (reason.length > DISCARD_REASON_MAX)
    return fail('invalid', 'reason-too-long', `the reason is longer than ${DISCARD_REASON_MAX} characters`);
  return ok(reason);
}
