import { MalformedEventError, assembleEvent } from '@openlgsp/events';
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

const ACCESS_TYPE = 'vn.openlgsp.audit.access.recorded.v1';
const ACCESS_SUBJECT = 'lgsp.audit.access.';

/**
 * An access event is the word of the service whose subject it came on (`lgsp.audit.access.<service>`,
 * which only that service's NATS user may publish), never of its data: one that names another
 * service is a forgery, kept as evidence but not well formed.
 */
export function accessProblems(
  type: string | undefined,
  subject: string | undefined,
  data: Uint8Array,
): string[] {
  if (type !== ACCESS_TYPE || !subject?.startsWith(ACCESS_SUBJECT)) return [];
  const reporter = subject.slice(ACCESS_SUBJECT.length);
  let named: unknown;
  try {
    named = (JSON.parse(Buffer.from(data).toString('utf8')) as { service?: unknown })?.service;
  } catch {
    return []; // not JSON: assembleEvent already says so
  }
  return named === reporter
    ? []
    : [`forged-service: the data names service '${String(named).slice(0, 64)}' but ${reporter} reported it`];
}

/** Reads who, what, when and the trace from a message; a message that is no CloudEvent still yields what it has. */
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
  const forged = accessProblems(attributes.type, message.subject, message.data);
  if (forged.length) problems = [...(problems ?? []), ...forged];
  const traceId = TRACEPARENT.exec(attributes.traceparent ?? '')?.[1];
  const facts: EntryFacts = {
    wellFormed: problems === undefined,
    ...(problems ? { problems } : {}),
    eventId: bounded(attributes.id, 256),
    source: bounded(attributes.source),
    type: bounded(attributes.type, 256),
    subject: bounded(attributes.subject),
    agency: bounded(attributes.agency, 64),
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
