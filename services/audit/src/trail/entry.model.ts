/** The prevHash of the first entry of the trail. */
export const GENESIS_HASH = '0'.repeat(64);

/** One message as the recorder received it from JetStream: exactly its bytes and headers. */
export interface ReceivedMessage {
  stream: string;
  streamSeq: number;
  subject: string;
  /** Headers in the order received (a name may repeat); objects, as the store holds no nested arrays. */
  headers: MessageHeader[];
  data: Uint8Array;
}

export interface MessageHeader {
  name: string;
  value: string;
}

/** What the message says about itself, read at record time; covered by the hash like the rest. */
export interface EntryFacts {
  /** True when the message is a CloudEvent this platform can read; malformed ones are kept as evidence. */
  wellFormed: boolean;
  /** Why it is not well formed. */
  problems?: string[];
  eventId?: string;
  source?: string;
  type?: string;
  subject?: string;
  agency?: string;
  actor?: string;
  eventTime?: string;
  traceId?: string;
}

/**
 * One entry of the audit trail. `hash` is SHA-256 over the canonical JSON of every other field
 * (README.md, "How to verify the audit trail"); `prevHash` is the previous entry's hash.
 */
export interface TrailEntry extends EntryFacts {
  seq: number;
  prevHash: string;
  hash: string;
  /** When the audit service recorded it (RFC 3339, UTC, milliseconds). */
  recordedAt: string;
  /** The identity an entry is recorded once under: stream, source and id, or stream and sequence. */
  key: string;
  stream: string;
  streamSeq: number;
  natsSubject: string;
  headers: MessageHeader[];
  /** The message body as received, base64. */
  data: string;
}

/** The fields the hash covers, named once so a stored document's extra fields never slip in. */
export const HASHED_FIELDS = [
  'seq',
  'prevHash',
  'recordedAt',
  'key',
  'stream',
  'streamSeq',
  'natsSubject',
  'headers',
  'data',
  'wellFormed',
  'problems',
  'eventId',
  'source',
  'type',
  'subject',
  'agency',
  'actor',
  'eventTime',
  'traceId',
] as const satisfies readonly (keyof TrailEntry)[];

/** The chain's head: the last entry's sequence number and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}
