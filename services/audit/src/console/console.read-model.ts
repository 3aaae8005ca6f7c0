import { Inject, Injectable } from '@nestjs/common';
import { REJECTION_TYPE, CLOCK, type Clock } from '@openlgsp/events';
import { unwrap } from '@openlgsp/domain';
import type { Checkpoint } from '../checkpoints/checkpoint.rules.js';
import { CheckpointsService } from '../checkpoints/checkpoints.service.js';
import { viewOf } from '../entries/entries.service.js';
import type { ChainHead } from '../trail/entry.model.js';
import { TrailStore, toEntry } from '../trail/trail.store.js';
import { VerificationService, type LastVerification } from '../verification/verification.service.js';
import { flowQuery, inOrder, tracesOf, type FlowEvent, type FlowQuery } from './flow.rules.js';
import { rejectionsByAgency, type AgencyRejections, type RecordedRejection } from './rejections.rules.js';

/** Bounds on what one page reads from the trail (FerretDB scans: a page must stay cheap). */
const MAX_FLOW_EVENTS = 500;
const MAX_FLOW_TRACES = 20;
const MAX_REJECTIONS_READ = 20_000;

export interface Flow {
  query: FlowQuery;
  events: FlowEvent[];
  traceIds: string[];
}

export interface TrailState {
  head?: ChainHead;
  lastCheckpoint?: Checkpoint;
  lastVerification?: LastVerification;
}

const FLOW_FIELDS = {
  _id: 0,
  seq: 1,
  recordedAt: 1,
  eventTime: 1,
  type: 1,
  source: 1,
  subject: 1,
  agency: 1,
  actor: 1,
  traceId: 1,
  stream: 1,
} as const;

/** What the console's pages read from the trail: flows, rejections, and the trail's own state. */
@Injectable()
export class ConsoleReadModel {
  constructor(
    private readonly trail: TrailStore,
    private readonly checkpoints: CheckpointsService,
    private readonly verification: VerificationService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The business events of a flow: those of the trace, or those about the id together with every
   * event of the traces they belong to (the reactions of other services to them).
   */
  async flow(q: unknown): Promise<Flow> {
    const query = unwrap(flowQuery(q));
    const read = (filter: object) =>
      this.trail.entries
        .find(filter, { projection: FLOW_FIELDS })
        .sort({ _id: 1 })
        .limit(MAX_FLOW_EVENTS)
        .toArray() as Promise<FlowEvent[]>;
    let events: FlowEvent[];
    if (query.kind === 'trace') events = await read({ traceId: query.traceId });
    else {
      const about = await read({ subject: query.id });
      const traces = tracesOf(about, MAX_FLOW_TRACES);
      const related = traces.length ? await read({ traceId: { $in: traces } }) : [];
      const bySeq = new Map([...about, ...related].map((e) => [e.seq, e]));
      events = [...bySeq.values()].slice(0, MAX_FLOW_EVENTS);
    }
    const ordered = inOrder(events);
    return { query, events: ordered, traceIds: tracesOf(ordered, MAX_FLOW_TRACES) };
  }

  /** Rejections told to each agency over the last `days` days, from the REJECTED stream as recorded. */
  async rejections(days: number): Promise<{ days: number; since: string; agencies: AgencyRejections[] }> {
    const now = this.clock();
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const docs = await this.trail.entries
      .find({ stream: 'REJECTED', recordedAt: { $gte: since } })
      .sort({ _id: -1 })
      .limit(MAX_REJECTIONS_READ)
      .toArray();
    const recorded: RecordedRejection[] = [];
    for (const doc of docs) {
      const entry = viewOf(toEntry(doc));
      if (entry.type !== REJECTION_TYPE || !entry.agency) continue;
      const payload = entry.payload as {
        reasons?: { code?: unknown; message?: unknown }[];
        eventType?: unknown;
      };
      recorded.push({
        agency: entry.agency,
        at: entry.eventTime ?? entry.recordedAt,
        reasons: (Array.isArray(payload?.reasons) ? payload.reasons : []).map((r) => ({
          code: typeof r?.code === 'string' ? r.code : 'unknown',
          message: typeof r?.message === 'string' ? r.message : '',
        })),
        ...(typeof payload?.eventType === 'string' ? { eventType: payload.eventType } : {}),
      });
    }
    return { days, since, agencies: rejectionsByAgency(recorded, now, days) };
  }

  async trailState(): Promise<TrailState> {
    const [head, lastCheckpoint, lastVerification] = await Promise.all([
      this.trail.recordedHead(),
      this.checkpoints.latest(),
      this.verification.last(),
    ]);
    return {
      ...(head ? { head } : {}),
      ...(lastCheckpoint ? { lastCheckpoint } : {}),
      ...(lastVerification ? { lastVerification } : {}),
    };
  }
}
