import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  DeliverPolicy,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  CLOCK,
  JETSTREAM,
  NATS_CONNECTION,
  PeriodicTask,
  fromNatsMessage,
  isNotFound,
  type Clock,
  type LgspEvent,
} from '@openlgsp/events';
import { createLogger } from '@openlgsp/telemetry';
import { SHARING_CATALOGUE } from '../catalogue-view/catalogue-feed.handlers.js';
import { CatalogueViewRepository } from '../catalogue-view/catalogue-view.repository.js';
import { catalogueViewChange, entryIdOf } from '../catalogue-view/catalogue-view.rules.js';
import { PlannedSuspensionsRepository } from '../planned-suspensions/planned-suspensions.repository.js';
import { AccessView } from './access-view.js';
import { SHARING_HOLDINGS } from './grant-holdings.consumer.js';
import { GrantHoldingsRepository } from './grant-holdings.repository.js';
import { GrantsRepository } from './grants.repository.js';

/** Planned suspensions are flagged by this service's own clock-driven step; a few documents, re-read this often. */
const SUSPENSIONS_REFRESH_MS = 2_000;

/**
 * Keeps this instance's `AccessView` current. At start it loads the stored view, then follows the
 * streams from where the stored view's own consumers had acknowledged everything (their ack floors), so
 * nothing between the load and the follow is missed: catalogue facts are applied with the same mapping
 * as the stored view's; a grant event re-reads its grant by `_id` (it was stored before its event was
 * published); a planned suspension's or a grant's event re-reads its service's flag by `_id`. Each
 * instance follows the streams itself (ordered consumers, nothing to acknowledge), so a grant written
 * by another instance reaches this one's answers within the stream's delivery time.
 */
@Injectable()
export class AccessViewFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly view: AccessView;
  private readonly log = createLogger('sharing').child({ component: 'access-view' });
  private readonly follows: Promise<void>[] = [];
  private readonly open = new Set<ConsumerMessages>();
  private stopping = false;
  private readonly suspensions: PeriodicTask<void>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueViewRepository,
    private readonly holdings: GrantHoldingsRepository,
    private readonly grants: GrantsRepository,
    private readonly plans: PlannedSuspensionsRepository,
  ) {
    this.view = new AccessView(clock());
    this.suspensions = new PeriodicTask(
      'planned suspensions refresh',
      SUSPENSIONS_REFRESH_MS,
      async () => this.view.replacePlannedSuspensions(await this.plans.servicesInEffect(), this.clock()),
      this.log,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const ackFloor = async (c: { stream: string; durable: string }) => {
      try {
        return (await jsm.consumers.info(c.stream, c.durable)).ack_floor.stream_seq;
      } catch (err) {
        if (isNotFound(err)) return 0;
        throw err;
      }
    };
    // Positions first, then the store: whatever the store lacks was acknowledged after, so is followed.
    const from = { catalogue: await ackFloor(SHARING_CATALOGUE), sharing: await ackFloor(SHARING_HOLDINGS) };
    const now = this.clock();
    for await (const e of this.catalogue.allEntries())
      this.view.applyCatalogue({ kind: 'put-entry', view: e }, now);
    for await (const s of this.catalogue.allServices())
      this.view.applyCatalogue({ kind: 'put-service', view: s }, now);
    for await (const g of this.holdings.all()) this.view.recordGrant(g, now);
    await this.suspensions.runNow();
    this.view.advance('catalogue', from.catalogue);
    this.view.advance('sharing', from.sharing);
    this.follows.push(
      this.follow('CATALOGUE', ['lgsp.catalogue.entry.>', 'lgsp.catalogue.service.>'], from.catalogue, (e) =>
        this.onCatalogue(e),
      ),
      this.follow(
        'SHARING',
        ['lgsp.sharing.grant.>', 'lgsp.sharing.service-suspension.>'],
        from.sharing,
        (e) => this.onSharing(e),
      ),
    );
    this.suspensions.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.suspensions.stop();
    await Promise.all([...this.open].map((m) => m.close()));
    await Promise.all(this.follows);
  }

  private async onCatalogue(event: LgspEvent): Promise<void> {
    const entryId = entryIdOf(event);
    const change = catalogueViewChange(event, entryId ? this.view.entry(entryId) : null);
    if (change) this.view.applyCatalogue(change, this.clock());
  }

  private async onSharing(event: LgspEvent): Promise<void> {
    const data = event.data as { grantId?: string; serviceId?: string };
    if (data.serviceId)
      this.view.setPlannedSuspension(
        data.serviceId,
        await this.plans.inEffectFor(data.serviceId),
        this.clock(),
      );
    if (!event.type.includes('.grant.') || !data.grantId) return;
    const grant = await this.grants.find(data.grantId);
    if (grant) this.view.recordGrant(grant, this.clock());
  }

  /** Applies every message after `after` in stream order; resumes after an interruption. */
  private async follow(
    stream: 'CATALOGUE' | 'SHARING',
    subjects: string[],
    after: number,
    apply: (e: LgspEvent) => Promise<void>,
  ): Promise<void> {
    const position = stream === 'CATALOGUE' ? 'catalogue' : 'sharing';
    let next = after + 1;
    while (!this.stopping) {
      let messages: ConsumerMessages | undefined;
      try {
        const consumer = await this.js.consumers.get(stream, {
          filter_subjects: subjects,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: next,
        });
        messages = await consumer.consume();
        this.open.add(messages);
        if (this.stopping) void messages.close();
        for await (const m of messages) {
          await this.applyOne(m, apply);
          this.view.advance(position, m.seq);
          next = m.seq + 1;
        }
      } catch (err) {
        if (this.stopping) break;
        this.log.warn({ err, stream }, 'access view: following interrupted; resuming');
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        if (messages) this.open.delete(messages);
      }
    }
  }

  /** A store read that fails is tried again: the view never skips a fact. */
  private async applyOne(m: JsMsg, apply: (e: LgspEvent) => Promise<void>): Promise<void> {
    let event: LgspEvent;
    try {
      event = fromNatsMessage(m.headers, m.data);
    } catch {
      return; // not a CloudEvent: the stored view's consumer dead-letters it; nothing for the view
    }
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        return await apply(event);
      } catch (err) {
        this.log.warn({ err, eventId: event.id, attempt }, 'access view: could not apply; retrying');
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 2_000)));
      }
    }
  }
}
