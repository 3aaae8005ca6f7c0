import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Principal } from '@openlgsp/auth';
import type { OperatorActedV1 } from '@openlgsp/contracts';
import { NotFoundError, unwrap } from '@openlgsp/domain';
import {
  CLOCK,
  EVENTS_OPTIONS,
  EventFactory,
  EventPublisher,
  JETSTREAM,
  natsConnectOptions,
  type Clock,
  type EventsOptions,
} from '@openlgsp/events';
import { createLogger } from '@openlgsp/telemetry';
import { BusView } from './bus.view.js';
import {
  DEAD_LETTER_HEADERS,
  discardReason,
  factsOf,
  replayTarget,
  type DeadLetter,
  type DeadLetterFacts,
} from './dead-letter.rules.js';

export const OPERATOR_ACTED = 'vn.openlgsp.audit.operator.acted.v1';
const DLQ = 'DLQ';
/** The most a page lists, and the most stream places it looks at to fill it (deleted ones are gaps). */
const PAGE = 50;
const SCAN = 1_000;

export type OperatorAction = OperatorActedV1['action'];
/** What an operator.acted event says beside the action, who and when. */
export type OperatorActionDetails = Omit<OperatorActedV1, 'action' | 'operator' | 'at'>;

export interface DeadLetterView extends DeadLetterFacts {
  seq: number;
  subject: string;
  time: string;
  /** The body as text (shortened), for the operator to see what it carries. */
  preview: string;
  replayable: boolean;
  whyNotReplayable?: string;
}

/**
 * The connection replays go out on: the `console` NATS user's (CONSOLE_NATS_USER, CONSOLE_NATS_PASSWORD;
 * deploy/nats/accounts.mjs), which may publish on the original subjects of dead letters, where the audit
 * service's own user may not. Opened at the first replay. Without those settings, the service's own
 * connection (a NATS without users, or one that grants it).
 */
@Injectable()
export class ReplayConnection implements OnApplicationShutdown {
  private nc?: Promise<NatsConnection>;

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(JETSTREAM) private readonly own: JetStreamClient,
  ) {}

  async jetstream(): Promise<JetStreamClient> {
    const user = process.env.CONSOLE_NATS_USER;
    if (!user) return this.own;
    this.nc ??= connect(
      natsConnectOptions(
        {
          ...this.options,
          service: user,
          natsUser: user,
          natsPassword: process.env.CONSOLE_NATS_PASSWORD ?? '',
        },
        `${this.options.service}-console`,
      ),
    ).catch((err: unknown) => {
      this.nc = undefined;
      throw err;
    });
    return jetstream(await this.nc);
  }

  async onApplicationShutdown(): Promise<void> {
    const nc = await this.nc?.catch(() => undefined);
    await nc?.close();
  }
}

/** The `DLQ` stream: what is there and why; replay (to the original subject) and discard, both audited. */
@Injectable()
export class DeadLettersService {
  private readonly logger = createLogger('audit');

  constructor(
    private readonly bus: BusView,
    private readonly replays: ReplayConnection,
    private readonly publisher: EventPublisher,
    private readonly events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Up to a page of dead letters from `fromSeq` on, oldest first, and where the next page starts. */
  async list(fromSeq = 1): Promise<{ letters: DeadLetterView[]; total: number; nextSeq?: number }> {
    const jsm = await this.bus.manager();
    const info = await jsm.streams.info(DLQ);
    const letters: DeadLetterView[] = [];
    let seq = Math.max(fromSeq, info.state.first_seq);
    const last = info.state.last_seq;
    for (let looked = 0; seq <= last && looked < SCAN && letters.length < PAGE; seq++, looked++) {
      const letter = await this.read(seq);
      if (letter) letters.push(viewOf(letter));
    }
    return { letters, total: info.state.messages, ...(seq <= last ? { nextSeq: seq } : {}) };
  }

  async get(seq: number): Promise<DeadLetterView> {
    const letter = await this.read(seq);
    if (!letter) throw gone(seq);
    return viewOf(letter);
  }

  /**
   * Publishes the dead letter again on its original subject, then records the action and removes it.
   * The stream takes it as a new message (its own `Nats-Msg-Id`), and the consumers that had applied it
   * skip it by event id, so a replay applies once; a replay repeated after a crash is the same.
   */
  async replay(seq: number, by: Principal): Promise<{ stream: string; seq: number; subject: string }> {
    const letter = await this.read(seq);
    if (!letter) throw gone(seq);
    const facts = factsOf(letter);
    const target = unwrap(replayTarget(facts));
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(letter.headers))
      if (!DEAD_LETTER_HEADERS.includes(name) && name !== 'Nats-Msg-Id') headers.set(name, value);
    headers.set('Lgsp-Replayed-From', `${DLQ}#${seq}`);
    const ack = await (
      await this.replays.jetstream()
    ).publish(target.subject, letter.data, {
      headers,
      msgID: `replay:${DLQ}:${seq}`,
      expect: { streamName: target.stream },
    });
    await this.record(by, 'dead-letter.replayed', {
      deadLetter: { ...described(letter, facts), replayedAs: ack.seq },
    });
    await this.remove(seq);
    this.logger.info({ dlqSeq: seq, subject: target.subject, by: by.sub }, 'dead letter replayed');
    return { stream: ack.stream, seq: ack.seq, subject: target.subject };
  }

  /** Removes the dead letter for good, once the reason is in the trail. */
  async discard(seq: number, reasonText: unknown, by: Principal): Promise<void> {
    const reason = unwrap(discardReason(reasonText));
    const letter = await this.read(seq);
    if (!letter) throw gone(seq);
    await this.record(by, 'dead-letter.discarded', {
      deadLetter: described(letter, factsOf(letter)),
      reason,
    });
    await this.remove(seq);
    this.logger.info({ dlqSeq: seq, by: by.sub }, 'dead letter discarded');
  }

  /** Tells the trail what an operator did (the HTTP access event says a call was made; this says what). */
  async record(by: Principal, action: OperatorAction, details: OperatorActionDetails = {}): Promise<void> {
    const data = {
      action,
      operator: { sub: by.sub.slice(0, 256), agency: by.agency },
      ...details,
      at: this.clock().toISOString(),
    };
    const subject = details.deadLetter ? `${DLQ}#${details.deadLetter.dlqSeq}` : 'trail';
    await this.publisher.publish(this.events.create({ type: OPERATOR_ACTED, data }, subject, by));
  }

  private async read(seq: number): Promise<DeadLetter | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
    const jsm = await this.bus.manager();
    const stored = await jsm.streams.getMessage(DLQ, { seq }).catch(() => null);
    if (!stored) return undefined;
    const headers: Record<string, string> = {};
    if (stored.header) for (const name of stored.header.keys()) headers[name] = stored.header.get(name);
    return {
      seq: stored.seq,
      subject: stored.subject,
      time: stored.time.toISOString(),
      headers,
      data: stored.data,
    };
  }

  private async remove(seq: number): Promise<void> {
    const jsm = await this.bus.manager();
    await jsm.streams.deleteMessage(DLQ, seq, false);
  }
}

function gone(seq: number): NotFoundError {
  return new NotFoundError('dead letter', `#${seq}`);
}

/** The dead letter as the operator.acted event describes it, each field within its contract's bounds. */
function described(
  letter: DeadLetter,
  facts: DeadLetterFacts,
): NonNullable<OperatorActionDetails['deadLetter']> {
  return {
    dlqSeq: letter.seq,
    dlqSubject: letter.subject.slice(0, 256),
    ...(facts.originalSubject ? { originalSubject: facts.originalSubject.slice(0, 256) } : {}),
    ...(facts.originalStream ? { originalStream: facts.originalStream.slice(0, 128) } : {}),
    ...(facts.eventId ? { eventId: facts.eventId.slice(0, 256) } : {}),
    ...(facts.eventType ? { eventType: facts.eventType.slice(0, 256) } : {}),
    failure: facts.reason.slice(0, 1000),
  };
}

function viewOf(letter: DeadLetter): DeadLetterView {
  const facts = factsOf(letter);
  const target = replayTarget(facts);
  const text = Buffer.from(letter.data).toString('utf8');
  return {
    ...facts,
    seq: letter.seq,
    subject: letter.subject,
    time: letter.time,
    preview: text.length > 600 ? `${text.slice(0, 600)}…` : text,
    replayable: target.ok,
    ...(!target.ok ? { whyNotReplayable: target.violation.message } : {}),
  };
}
