import { Injectable } from '@nestjs/common';
import type { LgspEvent } from '@openlgsp/events';
import { DeadlineRepositoryOf, IdLists, type DueKind, type WriteOptions } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { GrantState } from './grant.model.js';
import { GrantSchema } from './grant.schema.js';

const LIVE: GrantState['status'][] = ['active', 'suspended'];

/** Grants read by `_id` at once when a list is walked: each is one store round trip. */
const READ_IN_FLIGHT = 16;

type Scoped = Pick<GrantState, 'entryId' | 'serviceId'>;

/** The lists a grant is in: its entry's, and its service's when it names one. */
const scopesOf = (g: Scoped) => [`entry|${g.entryId}`, ...(g.serviceId ? [`service|${g.serviceId}`] : [])];

/** A live grant expires at the end of its validity: the tick reads expiries by day and by `_id`. */
const DEADLINES: DueKind<GrantState>[] = [
  { name: 'expiry', at: (g) => g.validity?.until, pending: (g) => !!g.status && LIVE.includes(g.status) },
];

@Injectable()
export class GrantsRepository extends DeadlineRepositoryOf<GrantState>('grant', 'Grant', GrantSchema, {
  dueCollection: 'grants_due',
  kinds: DEADLINES,
  unfinished: { status: { $in: LIVE } },
}) {
  /**
   * The live grants of each entry and of each service, by `_id` (issue 12: a catalogue event that
   * withdraws an entry or retires a service, and a planned suspension, read them; `{ entryId, status }`
   * reads the whole collection on FerretDB v1). A grant joins its lists before it is stored and leaves
   * them once it has ended (GrantsService).
   */
  private readonly scopes = new IdLists(this.model.db, 'grants_of_scope', () => this.liveScopes());

  override async insert(
    doc: Omit<GrantState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<GrantState> = {},
  ): Promise<GrantState> {
    await this.scopes.add(scopesOf(doc), doc._id);
    return super.insert(doc, events, options);
  }

  /** After a grant has ended: nothing walks its lists for it any more. */
  async leaveScopes(grant: GrantState): Promise<void> {
    if (!LIVE.includes(grant.status)) await this.scopes.remove(scopesOf(grant), grant._id);
  }

  liveOfEntry(entryId: string): Promise<GrantState[]> {
    return this.inScope(`entry|${entryId}`, (g) => g.entryId === entryId && LIVE.includes(g.status));
  }

  liveOfService(serviceId: string): Promise<GrantState[]> {
    return this.inScope(`service|${serviceId}`, (g) => g.serviceId === serviceId && LIVE.includes(g.status));
  }

  activeOfService(serviceId: string): Promise<GrantState[]> {
    return this.inScope(`service|${serviceId}`, (g) => g.serviceId === serviceId && g.status === 'active');
  }

  /** The grants of the service that its planned suspension suspended. */
  suspendedFor(serviceId: string, suspensionId: string): Promise<GrantState[]> {
    return this.inScope(
      `service|${serviceId}`,
      (g) =>
        g.serviceId === serviceId && g.status === 'suspended' && g.suspension?.suspensionId === suspensionId,
    );
  }

  expiriesDue(now: Date): Promise<GrantState[]> {
    return this.deadlines.due('expiry', now, DUE_BATCH);
  }

  /** Up to DUE_BATCH grants of a list that still `belong` there, each read by `_id`. */
  private async inScope(key: string, belongs: (g: GrantState) => boolean): Promise<GrantState[]> {
    const ids = await this.scopes.ids(key);
    const found: GrantState[] = [];
    for (let i = 0; i < ids.length && found.length < DUE_BATCH; i += READ_IN_FLIGHT) {
      const read = await Promise.all(ids.slice(i, i + READ_IN_FLIGHT).map((id) => this.find(id)));
      found.push(...read.filter((g): g is GrantState => g !== null && belongs(g)));
    }
    return found.slice(0, DUE_BATCH);
  }

  /** Live grants stored before the lists existed (read once per database). */
  private async *liveScopes(): AsyncGenerator<[string, string]> {
    for await (const g of this.model
      .find({ status: { $in: LIVE } }, { entryId: 1, serviceId: 1 })
      .lean()
      .cursor())
      for (const key of scopesOf(g as unknown as Scoped)) yield [key, String(g._id)];
  }
}
