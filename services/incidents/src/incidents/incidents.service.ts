import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { IncidentAssignee, IncidentCategory, IncidentSeverity } from '@openlgsp/contracts';
import { NotFoundError, RuleViolationError, ok, unwrap, type Actor, type Result } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { ConflictError, DuplicateError } from '@openlgsp/persistence';
import { forbidden } from '../common/actor.js';
import { INCIDENTS_CONFIG, type IncidentsConfig } from '../config.js';
import { applyClockStep, dueSteps, nextStepAt } from './clock.rules.js';
import { claimKeys, decideJoin, lookupKeys, mayReplaceKey, type DedupKey } from './dedup.rules.js';
import { canonicalObservables } from './observable.rules.js';
import type {
  IncidentChange,
  IncidentReport,
  IncidentState,
  IncidentStatus,
  ReportChannel,
  ReportKind,
} from './incident.model.js';
import * as rules from './incident.rules.js';
import { DedupKeysRepository, IncidentsRepository, type StoredIncident } from './incidents.repository.js';
import { incidentListFilter, viewOf, type IncidentView } from './visibility.rules.js';

export interface IncidentFilters {
  status?: IncidentStatus;
  severity?: IncidentSeverity;
  category?: IncidentCategory;
  agency?: string;
  /** An observable's value: matches only observables the reader may see. */
  observable?: string;
}

/** What the reporter is told: the incident its report opened, or the one it joined. */
export interface ReportOutcome {
  incidentId: string;
  joined: boolean;
  matchedBy?: 'source' | 'fingerprint';
  status: IncidentStatus;
}

/** A key just claimed whose incident is not written yet is its opener's, still at work: wait for it. */
const PENDING_KEY_MS = 30_000;
const MAX_ATTEMPTS = 200;

/** Every write also stores when the incident's next clock step falls due, for the deadline tick. */
function stamped(
  result: Result<IncidentChange>,
): Result<{ next: StoredIncident; facts: IncidentChange['facts'] }> {
  if (!result.ok) return result;
  const { next, facts } = result.value;
  return ok({ next: { ...next, nextStepAt: nextStepAt(next) }, facts });
}

type Transition = 'contain' | 'eradicate' | 'recover' | 'resolve' | 'close' | 'reopen' | 'refer-to-police';

/** Incidents' use cases: the three doors of a report, deduplication, the response, the clocks (DOMAIN.md §5). */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly keys: DedupKeysRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENTS_CONFIG) private readonly config: IncidentsConfig,
  ) {}

  private get windowMs(): number {
    return this.config.dedupWindowMinutes * 60_000;
  }

  /**
   * A report from any door: it joins the open incident it duplicates (dedup.rules.ts), or opens a
   * new one after claiming its dedup keys — the unique `_id` of a key lets one of two simultaneous
   * first reports win; the other decides again and joins it. `incidentId` is the id a new incident
   * takes (intake passes the event's id, so a redelivered alert opens nothing twice).
   */
  async report(input: IncidentReport, by: Actor, incidentId: string = uuidv7()): Promise<ReportOutcome> {
    const existing = await this.incidents.find(incidentId);
    if (existing) return { incidentId, joined: false, status: existing.status };
    const now = this.clock();
    // Checked first: a refused report claims nothing; its fingerprint is the canonical one.
    const opened = unwrap(stamped(rules.report(incidentId, input, by, now, this.config)));
    const keyed = opened.next;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const lookup = lookupKeys(keyed, now, this.windowMs);
      const source = lookup.source ? await this.lead(lookup.source) : null;
      const fingerprint = await this.lead(lookup.fingerprint);
      const pending = [source, fingerprint].some(
        (f) => f && !f.incident && now.getTime() - f.key.seenAt.getTime() < PENDING_KEY_MS,
      );
      if (pending) {
        await sleep(5 + attempt);
        continue;
      }
      const decision = decideJoin(keyed, { source, fingerprint }, now, this.windowMs);
      if (decision.action === 'join') {
        const joined = await this.tryJoin(decision.incidentId, input, decision.matchedBy, by, now);
        if (!joined) continue;
        for (const key of claimKeys(keyed, joined._id, now, this.windowMs)) await this.keys.renew(key);
        return { incidentId: joined._id, joined: true, matchedBy: decision.matchedBy, status: joined.status };
      }
      if (!(await this.claimAll(claimKeys(keyed, incidentId, now, this.windowMs), now))) continue;
      try {
        await this.incidents.create(opened, by);
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
      return { incidentId, joined: false, status: opened.next.status };
    }
    throw new ConflictError('the report met too many concurrent reports of the same incident; send it again');
  }

  /** A key and the incident it leads to. */
  private async lead(keyId: string): Promise<{ key: DedupKey; incident: IncidentState | null } | null> {
    const key = await this.keys.find(keyId);
    if (!key) return null;
    return { key, incident: await this.incidents.find(key.incidentId) };
  }

  private async tryJoin(
    id: string,
    input: IncidentReport,
    matchedBy: 'source' | 'fingerprint',
    by: Actor,
    now: Date,
  ): Promise<StoredIncident | null> {
    try {
      return await this.incidents.apply(id, by, (i) => stamped(rules.join(i, input, matchedBy, by, now)));
    } catch (err) {
      // Changed meanwhile (another report joined, or it was resolved): decide again.
      if (err instanceof ConflictError) return null;
      if (err instanceof RuleViolationError && err.violation.code === 'incident-over') return null;
      throw err;
    }
  }

  /** Claims every key of a new incident, or none: a key lost to a live incident gives the others back. */
  private async claimAll(claims: DedupKey[], now: Date): Promise<boolean> {
    const taken: DedupKey[] = [];
    for (const key of claims) {
      if (await this.keys.claim(key)) {
        taken.push(key);
        continue;
      }
      const existing = await this.keys.find(key._id);
      const incident = existing ? await this.incidents.find(existing.incidentId) : null;
      const stale =
        existing &&
        (incident || now.getTime() - existing.seenAt.getTime() >= PENDING_KEY_MS) &&
        mayReplaceKey(existing, incident, now, this.windowMs);
      if (existing && stale && (await this.keys.replace(existing, key))) {
        taken.push(key);
        continue;
      }
      if (!existing && (await this.keys.claim(key))) {
        taken.push(key);
        continue;
      }
      for (const k of taken) await this.keys.release(k._id, k.incidentId);
      return false;
    }
    return true;
  }

  async get(incidentId: string, by: Actor): Promise<IncidentView> {
    const incident = await this.incidents.get(incidentId);
    const view = viewOf(incident, by);
    // Another agency's incident is absent to the caller, not forbidden: its existence is not theirs to learn.
    if (!view) throw new NotFoundError('incident', incidentId);
    return withoutClockIndex(view);
  }

  async list(by: Actor, filters: IncidentFilters, page: { limit: number; cursor?: string }) {
    const scope = incidentListFilter(by);
    if (!scope) return unwrap(forbidden('no-incident-role', 'no role of yours reads incidents'));
    const { observable, ...plain } = filters;
    const where = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
    // Stored values are canonical: the indicator is looked for in each form it could take.
    const forms = observable ? searchForms(observable) : [];
    const found = await this.incidents.page(
      { $and: [scope, where, observable ? { 'observables.value': { $in: forms } } : {}] },
      page,
    );
    const items: IncidentView[] = [];
    for (const incident of found.items) {
      const view = viewOf(incident, by);
      if (!view) continue;
      // A search by an indicator the reader may not see must not reveal that the incident holds it.
      if (observable && !view.observables.some((o) => forms.includes(o.value))) continue;
      items.push(withoutClockIndex(view));
    }
    return { ...found, items };
  }

  acknowledge(
    id: string,
    input: { note: string; category?: IncidentCategory; severity?: IncidentSeverity },
    by: Actor,
  ) {
    return this.step(id, by, (i, now) => rules.acknowledge(i, input, by, now, this.config));
  }

  assign(id: string, input: { assignee: IncidentAssignee; note: string }, by: Actor) {
    return this.step(id, by, (i, now) => rules.assign(i, input, by, now, this.config));
  }

  transition(id: string, what: Transition, note: string, by: Actor) {
    return this.step(id, by, (i, now) => {
      switch (what) {
        case 'contain':
          return rules.contain(i, note, by, now, this.config);
        case 'eradicate':
          return rules.eradicate(i, note, by, now, this.config);
        case 'recover':
          return rules.recover(i, note, by, now, this.config);
        case 'resolve':
          return rules.resolve(i, note, by, now, this.config);
        case 'close':
          return rules.close(i, note, by, now);
        case 'reopen':
          return rules.reopen(i, note, by, now, this.config);
        case 'refer-to-police':
          return rules.referToPolice(i, note, by, now);
      }
    });
  }

  submitReport(
    id: string,
    input: { kind: ReportKind; documentRef: string; channel: ReportChannel },
    by: Actor,
  ) {
    return this.step(id, by, (i, now) => rules.submitReport(i, input, by, now));
  }

  escalateToCert(id: string, input: { cert: string; reference: string; note: string }, by: Actor) {
    return this.step(id, by, (i, now) => rules.escalateToCert(i, input, by, now));
  }

  /** Time-driven: every clock step due now (reminders, escalations to DIC), each once. */
  async runClocks(now: Date): Promise<{ reminded: number; escalated: number }> {
    let reminded = 0;
    let escalated = 0;
    for (const incident of await this.incidents.stepsDue(now))
      for (const due of dueSteps(incident, now)) {
        const done = await this.incidents.applyDue(incident._id, (doc) =>
          stamped(applyClockStep(doc, due, now)),
        );
        if (done && due.step === 'remind') reminded++;
        if (done && due.step === 'escalate') escalated++;
      }
    return { reminded, escalated };
  }

  private async step(
    id: string,
    by: Actor,
    rule: (incident: StoredIncident, now: Date) => Result<IncidentChange>,
  ): Promise<{ incidentId: string; status: IncidentStatus }> {
    const next = await this.incidents.apply(id, by, (i) => stamped(rule(i, this.clock())), {
      // Who may not see the incident does not learn it exists.
      visible: (i) => viewOf(i, by) !== null,
    });
    return { incidentId: next._id, status: next.status };
  }
}

/** A searched indicator as given and in the canonical form of each type it parses as. */
function searchForms(value: string): string[] {
  const types = ['ip', 'domain', 'url', 'file-hash', 'email'] as const;
  const forms = types.flatMap((type) => {
    const canonical = canonicalObservables([{ type, value, tlp: 'CLEAR' }]);
    return canonical.ok ? [canonical.value[0]!.value] : [];
  });
  return [...new Set([value, ...forms])];
}

function withoutClockIndex<T extends object>(view: T): T {
  const { nextStepAt: _n, ...rest } = view as T & { nextStepAt?: unknown };
  return rest as T;
}
