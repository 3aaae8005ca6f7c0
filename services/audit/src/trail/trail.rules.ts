import { MalformedEventError, assembleEvent, intakeAgencyOf } from '@openlgsp/events';
import { canonicalJsonOf, jcsOrder, sha256Hex } from './canonical.js';
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

const HASHED_IN_JCS_ORDER = jcsOrder(HASHED_FIELDS);

/** SHA-256 (hex) over the canonical JSON (RFC 8785) of the hashed fields. */
export function entryHash(entry: Omit<TrailEntry, 'hash'>): string {
  return sha256Hex(canonicalJsonOf(entry as unknown as Record<string, unknown>, HASHED_IN_JCS_ORDER));
}

/** What an entry is: its hashed content and its hash. Anything else a stored document holds is not part of it. */
const ENTRY_FIELDS: ReadonlySet<string> = new Set([...HASHED_FIELDS, 'hash']);

/** The entry a stored document holds, and nothing else: what is served and archived. */
export function entryOf(stored: object): TrailEntry {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const value = (stored as Record<string, unknown>)[field];
    if (value !== undefined) entry[field] = value;
  }
  return entry as unknown as TrailEntry;
}

/**
 * Fields a stored entry carries outside its hashed content (besides `ignore`, e.g. the store's `_id`):
 * they were added after recording, and nothing vouches for them.
 */
export function unhashedFields(stored: object, ignore?: string): string[] {
  const extra: string[] = [];
  for (const field in stored)
    if (!ENTRY_FIELDS.has(field) && field !== ignore && Object.hasOwn(stored, field)) extra.push(field);
  return extra;
}

/** What an entry says of its message, before it takes a place in the chain. */
export type EntryContent = Omit<TrailEntry, 'seq' | 'prevHash' | 'recordedAt' | 'hash'>;

/** The message as received, with what it says about itself and the key it is recorded once under. */
export function contentOf(message: ReceivedMessage): EntryContent {
  const facts = factsOf(message);
  return {
    key: entryKey(message, facts),
    stream: message.stream,
    streamSeq: message.streamSeq,
    natsSubject: message.subject,
    headers: message.headers,
    data: Buffer.from(message.data).toString('base64'),
    ...facts,
  };
}

/** Places `content` after `head`: its sequence number, the link to the head and its own hash. */
export function linked(content: EntryContent, head: ChainHead, recordedAt: Date | string): TrailEntry {
  const entry: Omit<TrailEntry, 'hash'> = {
    seq: head.seq + 1,
    prevHash: head.hash,
    recordedAt: typeof recordedAt === 'string' ? recordedAt : recordedAt.toISOString(),
    ...content,
  };
  return { ...entry, hash: entryHash(entry) };
}

/** The next link of the chain: the message as received, after `head`. */
export function nextEntry(message: ReceivedMessage, head: ChainHead, recordedAt: Date): TrailEntry {
  return linked(contentOf(message), head, recordedAt);
}
