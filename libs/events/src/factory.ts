import { Inject, Injectable } from '@nestjs/common';
import { isEventType, contractFor } from '@openlgsp/contracts';
import type { Actor } from '@openlgsp/domain';
import { createEvent, systemClock, type Clock, type LgspEvent } from './envelope.js';

export const CLOCK = Symbol('CLOCK');
export const EVENT_SOURCE = Symbol('EVENT_SOURCE');

/**
 * The acting user of an intake event: the agency whose credentials published it (the consumer
 * checked it against the subject), as one of its systems; the event's `actor` names the user, if any.
 */
export function intakeActor(event: { actor?: string }, ctx: { agency?: string }): Actor {
  if (!ctx.agency) throw new Error('not an intake event: no publishing agency');
  return { sub: event.actor ?? `system:${ctx.agency}`, agency: ctx.agency, roles: ['integrator'] };
}

/**
 * Puts facts a rule established into envelopes of this service: source, trace, and who did it (the
 * actor's user or key and agency, as the `actor` and `agency` extensions).
 */
@Injectable()
export class EventFactory {
  constructor(
    @Inject(EVENT_SOURCE) readonly source: string,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  create<T>(fact: { type: string; data: T }, subject: string, by?: Actor): LgspEvent<T> {
    return createEvent(
      fact.type,
      fact.data,
      {
        source: this.source,
        subject,
        ...(isEventType(fact.type) ? { dataschema: contractFor(fact.type).schemaId } : {}),
        ...(by ? { agency: by.agency, actor: by.sub } : {}),
      },
      this.clock,
    );
  }

  createAll(facts: { type: string; data: unknown }[], subject: string, by?: Actor): LgspEvent[] {
    return facts.map((f) => this.create(f, subject, by));
  }
}
