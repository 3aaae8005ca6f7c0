import { MalformedEventError, assembleEvent, intakeAgencyOf } from '@openlgsp/events';
import { canonicalJson, sha256Hex } from './canonical.js';
import {
  HASHED_FIELDS,
  type ChainHead,
  type EntryFacts,
  type ReceivedMessage,
  type TrailEntry,
} from './entry.model.js';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const bounded = (value: string | undefined, max = 512) =>
  value === undefined ? undefined : value.slice(0, max);

/**
 * Reads who, what, when and the trace from a message; a message that is no CloudEvent still yields
 * what it has. An intake message's agency is the one its subject names (whose credentials published
 * it), never its `ce-agency` header.
 */
export function factsOf(
  message: Pick<ReceivedMessage, 'headers' | 'data'> & { subject?: string },
): EntryFacts {
  const attributes: Record<string, string> = {};
  for (const { name, value } of message.headers) {
    const lower = name.toLowerCase();
    if (lower.startsWith('ce-')) attributes[lower.slice(3)] ??= value;
    else if (lower === 'content-type') attributes.datacontenttype ??= value;
  }
  let problems: string[] | undefined;
  try {
    assembleEvent(attributes, message.data);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err;
    problems = err.reasons.slice(0, 20).map((r) => `${r.code}: ${r.message}`.slice(0, 300));
  }
  const traceId = TRACEPARENT.exec(attributes.traceparent ?? '')?.[1];
  const facts: EntryFacts = {
    wellFormed: problems === undefined,
    ...(problems ? { problems } : {}),
    eventId: bounded(attributes.id, 256),
    source: bounded(attributes.source),
    type: bounded(attributes.type, 256),
    subject: bounded(attributes.subject),
    agency: bounded((message.subject && intakeAgencyOf(message.subject)) || attributes.agency, 64),
    actor: bounded(attributes.actor, 256),
    eventTime: bounded(attributes.time, 40),
    traceId,
  };
  for (const k of Object.keys(facts) as (keyof EntryFacts)[]) if (facts[k] === undefined) delete facts[k];
  return facts;
}

/**
 * The identity an entry is recorded once under. A CloudEvent is (source, id) within its stream, so a
 * redelivery or a republished event is one entry. Dead letters and malformed messages are each their
 * own fact (two services may dead-letter the same event), so they are identified by stream position.
 */
export function entryKey(message: ReceivedMessage, facts: EntryFacts): string {
  // Intake adds the channel's agency: two agencies' events with one (source, id) are two facts.
  if (facts.wellFormed && message.stream === 'INTAKE')
    return `${message.stream} ${facts.agency} ${facts.source} ${facts.eventId}`;
  if (facts.wellFormed && message.stream !== 'DLQ')
    return `${message.stream} ${facts.source} ${facts.eventId}`;
  return `${message.stream} #${message.streamSeq}`;
}

/** SHA-256 (hex) over the canonical JSON of the hashed fields. */
export function entryHash(entry: Omit<TrailEntry, 'hash'>): string {
  const hashed: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) hashed[field] = entry[field];
  return sha256Hex(canonicalJson(hashed));
}

/** The next link of the chain: the message as received, after `head`. */
export function nextEntry(message: ReceivedMessage, head: ChainHead, recordedAt: Date): TrailEntry {
  const facts = factsOf(message);
  const entry: Omit<TrailEntry, 'hash'> = {
    seq: head.seq + 1,
    prevHash: head.hash,
    recordedAt: recordedAt.toISOString(),
    key: entryKey(message, facts),
    stream: message.stream,
    streamSeq: message.streamSeq,
    natsSubject: message.subject,
    headers: message.headers,
    data: Buffer.from(message.data).toString('base64'),
    ...facts,
  };
  return { ...entry, hash: entryHash(entry) };
}
