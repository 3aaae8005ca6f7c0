import type { MsgHdrs } from '@nats-io/transport-node';
import {
  isEventType,
  normaliseText,
  subjectFor,
  validateEnvelope,
  validateEventData,
} from '@openlgsp/contracts';
import { MalformedEventError, fromNatsMessage } from './binding.js';
import type { LgspEvent } from './envelope.js';
import type { RejectionReason } from './publisher.js';

/** A message as it arrived: the subject it came on, its headers and body. */
export interface ArrivedMessage {
  subject: string;
  headers?: MsgHdrs;
  data: Uint8Array;
}

/** What a consumer takes and what it does with the rest. */
export interface DeliveryRules {
  /** Consumer name, for the reasons' wording. */
  consumer: string;
  handles(type: string): boolean;
  /** Intake refuses unknown types (the integrator hears why); domain feeds skip what they don't need. */
  unhandled: 'reject' | 'skip';
}

/**
 * The verdict on one message before any handler runs: hand it over, let it pass (ack, nothing to do),
 * or refuse it with reasons, told to `agency` when there is one to tell.
 */
export type DeliveryVerdict =
  | { kind: 'deliver'; event: LgspEvent; intakeAgency?: string }
  | { kind: 'skip' }
  | {
      kind: 'refuse';
      event?: LgspEvent;
      /** For a message that is not an event: the id, type and source its headers claimed, to name it. */
      claimed?: ClaimedAttributes;
      agency?: string;
      reasons: RejectionReason[];
    };

/** What a refused message's `ce-*` headers said it was, as received but bounded and printable. */
export interface ClaimedAttributes {
  id?: string;
  type?: string;
  source?: string;
}

const INTAKE_PREFIX = 'lgsp.intake.';

/** The agency whose credentials published an intake message: the subject's token, never a header. */
export function intakeAgencyOf(subject: string): string | undefined {
  return subject.startsWith(INTAKE_PREFIX) ? subject.split('.')[2] : undefined;
}

/**
 * The checks every delivered message passes, as one pure function: a CloudEvent at all, a type this
 * consumer handles, on its contract's subject, a valid envelope, for intake the publishing agency's own
 * source and agency, and data that matches the contract.
 */
export function checkDelivery(message: ArrivedMessage, rules: DeliveryRules): DeliveryVerdict {
  const intakeAgency = intakeAgencyOf(message.subject);
  let event: LgspEvent;
  try {
    event = fromNatsMessage(message.headers, message.data);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err;
    const claimed = claimedAttributes(message.headers);
    return {
      kind: 'refuse',
      ...(claimed ? { claimed } : {}),
      ...(intakeAgency ? { agency: intakeAgency } : {}),
      reasons: err.reasons,
    };
  }
  // Intake text in one Unicode form (NFC), as over HTTP, before the contract counts its lengths:
  // agencies' keyboards differ, the rules must not.
  if (intakeAgency) event = { ...event, data: normaliseText(event.data) };
  const refuse = (reasons: RejectionReason[]): DeliveryVerdict => {
    const agency = intakeAgency ?? event.agency;
    return { kind: 'refuse', event, ...(agency ? { agency } : {}), reasons };
  };

  if (!isEventType(event.type) || !rules.handles(event.type)) {
    if (rules.unhandled === 'skip') return { kind: 'skip' };
    return refuse([
      { code: 'unknown-type', path: '/type', message: `${rules.consumer} does not accept ${event.type}` },
    ]);
  }
  // A type travels only on its contract's subject: an integrator cannot pass a domain fact off as
  // intake, nor one agency's event as another's.
  if (expectedSubject(event.type, intakeAgency ?? event.agency) !== message.subject) {
    if (rules.unhandled === 'skip') return { kind: 'skip' };
    return refuse([
      {
        code: 'wrong-subject',
        path: '/type',
        message: `${event.type} is not accepted on ${message.subject}`,
      },
    ]);
  }

  const reasons: RejectionReason[] = [];
  const { data: _data, ...attributes } = event;
  const envelope = validateEnvelope(attributes);
  if (!envelope.ok)
    for (const e of envelope.errors) reasons.push({ code: 'envelope', path: e.path, message: e.message });
  if (intakeAgency !== undefined) reasons.push(...agencyProblems(event, intakeAgency));
  const data = validateEventData(event.type, event.data);
  if (!data.ok)
    for (const e of data.errors) reasons.push({ code: 'schema', path: `/data${e.path}`, message: e.message });
  if (reasons.length) return refuse(reasons);
  if (intakeAgency === undefined) return { kind: 'deliver', event };
  // The channel names the agency: what a handler and the trail see is the subject's, whatever was sent.
  return { kind: 'deliver', event: { ...event, agency: intakeAgency }, intakeAgency };
}

/**
 * An intake event speaks for the agency whose subject it arrived on, from that agency's own sources.
 * The `agency` extension may be left out (the channel says it); one that names another agency is a
 * forgery and refused, not silently corrected.
 */
function agencyProblems(event: LgspEvent, publisher: string): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  // An event's identity is (source, id): an agency's events come from its own sources only.
  if (!event.source.startsWith(`/agencies/${publisher}/`))
    reasons.push({
      code: 'foreign-source',
      path: '/source',
      message: `source must be /agencies/${publisher}/<system> for events published by ${publisher}`,
    });
  if (event.agency !== undefined && event.agency !== publisher)
    reasons.push({
      code: 'forged-agency',
      path: '/agency',
      message: `event claims agency '${event.agency}' but was published by '${publisher}'`,
    });
  return reasons;
}

function expectedSubject(type: string, agency: string | undefined): string | undefined {
  try {
    return isEventType(type) ? subjectFor(type, { agency }) : undefined;
  } catch {
    return undefined; // no agency, or one that is not token safe
  }
}

/** The rejection's bounds (contracts/events/platform/event.rejected.v1.json): id and type 256, source 512. */
const CLAIMED_LIMITS = { id: 256, type: 256, source: 512 } as const;

/**
 * Control characters and bidirectional overrides and isolates (the contracts' `Text`), dropped from
 * what a refused message claimed, so a rejection cannot display differently from what it holds.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/**
 * The id, type and source a message's headers claim, when its body is not an event (not JSON, say):
 * the integrator learns which of its events was refused instead of "unknown".
 */
export function claimedAttributes(headers: MsgHdrs | undefined): ClaimedAttributes | undefined {
  if (!headers) return undefined;
  const claimed: ClaimedAttributes = {};
  for (const name of ['id', 'type', 'source'] as const) {
    const value = headers.get(`ce-${name}`).replace(UNPRINTABLE, '').trim().slice(0, CLAIMED_LIMITS[name]);
    if (value) claimed[name] = value;
  }
  return Object.keys(claimed).length ? claimed : undefined;
}
