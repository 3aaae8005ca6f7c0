import { Inject, Injectable } from '@nestjs/common';
import { eventContracts, isEventType, validateEnvelope } from '@openlgsp/contracts';
import {
  assembleEvent,
  ContractViolation,
  EventPublisher,
  MalformedEventError,
  PROCESSED_EVENTS,
  processedKey,
  type LgspEvent,
  type ProcessedEvents,
} from '@openlgsp/events';
import type { Principal } from '@openlgsp/auth';
import { injectTraceContext } from '@openlgsp/telemetry';
import { ProblemError, problem, type FieldError } from './problem.js';

export interface HttpIntakeRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const STRUCTURED = 'application/cloudevents+json';

/**
 * What the HTTP door answers: where the event went, and whether this agency had already sent this
 * event (same source and id) through it, in which case nothing new happened.
 */
export interface IntakeReceipt {
  id: string;
  subject: string;
  duplicate: boolean;
}

/**
 * The HTTP door of integrator intake: the same CloudEvents as on `lgsp.intake.<agency>.…`, in binary
 * (ce-* headers, data as the JSON body) or structured (one JSON object) content mode. What can be
 * judged now is judged now (4xx problem+json); the event then goes onto the agency's intake subject,
 * so NATS and HTTP integrators take one path and a refusal by the use case reaches
 * `lgsp.rejected.<agency>` in both cases. Parsed by our own binding, as on NATS, not the cloudevents
 * SDK's HTTP.toEvent: the SDK fills a missing id or time with defaults and decodes `data_base64`, where
 * an integrator must hear which attribute was missing or refused.
 */
@Injectable()
export class HttpIntake {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(PROCESSED_EVENTS) private readonly receipts: ProcessedEvents,
  ) {}

  async accept(context: string, request: HttpIntakeRequest, by: Principal): Promise<IntakeReceipt> {
    const event = this.parse(request);
    const errors: FieldError[] = [];
    const envelope = validateEnvelope(withoutData(event));
    if (!envelope.ok) errors.push(...envelope.errors);
    const contract = isEventType(event.type) ? eventContracts[event.type] : undefined;
    if (!contract || contract.kind !== 'intake' || contract.context !== context)
      errors.push({ path: '/type', message: `'${event.type}' is not an intake event of ${context}` });
    if (errors.length) throw invalid('The event is not a valid OpenLGSP intake CloudEvent.', errors);

    // The caller's credentials name the agency; an `agency` extension may only repeat it.
    if (event.agency !== undefined && event.agency !== by.agency)
      throw new ProblemError(
        problem(403, `event claims agency '${event.agency}' but the caller is ${by.agency}`, {
          code: 'forged-agency',
          errors: [{ path: '/agency', message: `must be ${by.agency} or left out` }],
        }),
      );
    // The actor is who authenticated, not what the body says: the trail names the real caller.
    const stamped: LgspEvent = { ...event, agency: by.agency, actor: by.sub };
    // An event without a trace of its own joins the call's, so its handling (and a refusal on
    // lgsp.rejected) is in the same trace as the call that brought it.
    if (!event.traceparent) {
      const trace: Record<string, string | undefined> = {};
      injectTraceContext(trace);
      if (trace.traceparent) stamped.traceparent = trace.traceparent;
      if (trace.tracestate) stamped.tracestate = trace.tracestate;
    }
    const subject = this.publisher.subjectOf(stamped);
    // The door's own receipts, per (agency, source, id), not JetStream's duplicate window: that one
    // is per stream, where any agency could take an id first (msgIdFor). A receipt is written only
    // once the event is stored, so a failure in between is answered as new again on the retry: two
    // copies at worst, which the consumers' processed keys apply once.
    const receipt = processedKey(stamped, by.agency);
    if (await this.receipts.has(receiptsOf(context), receipt))
      return { id: stamped.id, subject, duplicate: true };
    try {
      await this.publisher.publish(stamped, subject);
    } catch (err) {
      if (!(err instanceof ContractViolation)) throw err;
      throw invalid(
        'The event data does not match its contract.',
        err.reasons.map((r) => ({ path: r.path ?? '', message: r.message })),
      );
    }
    await this.receipts.add(receiptsOf(context), receipt);
    return { id: stamped.id, subject, duplicate: false };
  }

  private parse({ headers, body }: HttpIntakeRequest): LgspEvent {
    const contentType = String(headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    try {
      if (contentType === STRUCTURED) {
        if (!body || typeof body !== 'object' || Array.isArray(body))
          throw new MalformedEventError([
            { code: 'not-an-object', message: 'a structured CloudEvent is one JSON object' },
          ]);
        const { data, data_base64, ...attributes } = body as Record<string, unknown>;
        if (data_base64 !== undefined)
          throw new MalformedEventError([
            { code: 'binary-data', path: '/data_base64', message: 'data must be JSON' },
          ]);
        return assembleEvent(stringAttributes(attributes), JSON.stringify(data ?? null));
      }
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith('ce-') && typeof value === 'string') attributes[name.slice(3)] = value;
      }
      attributes.datacontenttype = contentType || 'application/json';
      return assembleEvent(attributes, JSON.stringify(body ?? null));
    } catch (err) {
      if (err instanceof MalformedEventError)
        throw invalid(
          'The request is not a CloudEvent.',
          err.reasons.map((r) => ({ path: r.path ?? '', message: r.message })),
        );
      throw err;
    }
  }
}

function stringAttributes(attributes: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (typeof v !== 'string')
      throw new MalformedEventError([
        { code: 'not-a-string', path: `/${k}`, message: `attribute '${k}' must be a string` },
      ]);
    out[k] = v;
  }
  return out;
}

/** Where the door keeps its receipts, beside the consumers' processed keys. */
const receiptsOf = (context: string) => `${context}-http-intake`;

function withoutData(event: LgspEvent): Record<string, unknown> {
  const { data: _data, ...attributes } = event;
  return attributes;
}

function invalid(detail: string, errors: FieldError[]): ProblemError {
  return new ProblemError(problem(400, detail, { code: 'invalid-event', errors }));
}
