import { createHash } from 'node:crypto';
import type { IncidentCategory, Observable } from '@openlgsp/contracts';
import { observableKey } from './observable.rules.js';
import { OPEN_STATUSES, type IncidentState } from './incident.model.js';

/**
 * Deduplication. A report joins an open incident of its agency instead of opening a new one when it
 * has the same source and source reference (TheHive's source + sourceRef rule: a re-sent alert), or
 * the same fingerprint (agency, category, observables) within the configured window (monitoring
 * systems that re-alert).
 *
 * The store finds a match by `_id` only (FerretDB serves nothing else without a scan), through
 * dedup-key documents `{_id, incidentId, agency, seenAt}`:
 * - `src:<sha256(agency, source, sourceRef)>` — one per source reference;
 * - `fp:<sha256(fingerprint, window, bucket)>` — with bucket = ⌊t / window⌋ of the time t the
 *   service received the report. An incident claims the keys of its bucket b AND of b + 1; a later
 *   report at t' looks up only its own bucket ⌊t' / window⌋. Two reports less than a window apart
 *   (0 ≤ t' − t < window) have ⌊t' / window⌋ ∈ {b, b + 1}, so the later one always finds the key the
 *   earlier one claimed; the exact distance (t' − seenAt < window) is then checked here, since one
 *   bucket apart can mean almost two windows. Every join claims the keys of its own bucket again, so
 *   the window slides with each re-alert. Two simultaneous first reports both try to insert the same
 *   key (b or b + 1 is shared by any two claims less than a window apart): the unique `_id` lets one
 *   win, and the loser looks up again and joins.
 */

export interface DedupKey {
  _id: string;
  incidentId: string;
  agency: string;
  seenAt: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The fingerprint of a report: its agency, its category and its canonical observables, order and
 * duplicates ignored, TLP markings ignored (a marking says who may see an indicator, not what it is).
 */
export function fingerprintOf(report: {
  agency: string;
  category: IncidentCategory;
  observables: readonly Pick<Observable, 'type' | 'value'>[];
}): string {
  const indicators = [...new Set(report.observables.map(observableKey))].sort();
  return sha256(JSON.stringify([report.agency, report.category, indicators]));
}

export function sourceKey(agency: string, source: string, sourceRef: string): string {
  return `src:${sha256(JSON.stringify([agency, source, sourceRef]))}`;
}

export const windowBucket = (at: Date, windowMs: number): number => Math.floor(at.getTime() / windowMs);

export function fingerprintKey(fingerprint: string, windowMs: number, bucket: number): string {
  // The window is part of the key, so a changed window never meets keys cut for another one.
  return `fp:${sha256(`${fingerprint}:${windowMs}:${bucket}`)}`;
}

interface Keyed {
  agency: string;
  fingerprint: string;
  source?: string;
  sourceRef?: string;
}

/** The keys to look up for a report received at `at`: its source key, and its bucket's fingerprint key. */
export function lookupKeys(
  report: Keyed,
  at: Date,
  windowMs: number,
): { source?: string; fingerprint: string } {
  return {
    ...(report.source && report.sourceRef
      ? { source: sourceKey(report.agency, report.source, report.sourceRef) }
      : {}),
    fingerprint: fingerprintKey(report.fingerprint, windowMs, windowBucket(at, windowMs)),
  };
}

/** The keys an incident claims (or claims again on a join) for a report received at `at`. */
export function claimKeys(report: Keyed, incidentId: string, at: Date, windowMs: number): DedupKey[] {
  const bucket = windowBucket(at, windowMs);
  const key = (_id: string): DedupKey => ({ _id, incidentId, agency: report.agency, seenAt: at });
  return [
    ...(report.source && report.sourceRef
      ? [key(sourceKey(report.agency, report.source, report.sourceRef))]
      : []),
    key(fingerprintKey(report.fingerprint, windowMs, bucket)),
    key(fingerprintKey(report.fingerprint, windowMs, bucket + 1)),
  ];
}

export type JoinDecision =
  { action: 'join'; incidentId: string; matchedBy: 'source' | 'fingerprint' } | { action: 'open' };

const isOpen = (incident: IncidentState | null | undefined): incident is IncidentState =>
  !!incident && OPEN_STATUSES.includes(incident.status);

/**
 * Does a report received at `at` join an incident? `found` holds what the lookup keys led to (the key
 * document and its incident). A match must be open and of the same agency; a fingerprint match must
 * also have been seen less than a window ago. The source reference wins over the fingerprint.
 */
export function decideJoin(
  report: Keyed,
  found: {
    source?: { key: DedupKey; incident: IncidentState | null } | null;
    fingerprint?: { key: DedupKey; incident: IncidentState | null } | null;
  },
  at: Date,
  windowMs: number,
): JoinDecision {
  const bySource = found.source;
  if (report.source && report.sourceRef && bySource && isOpen(bySource.incident)) {
    const i = bySource.incident;
    if (i.agency === report.agency && i._id === bySource.key.incidentId)
      return { action: 'join', incidentId: i._id, matchedBy: 'source' };
  }
  const byFingerprint = found.fingerprint;
  if (byFingerprint && isOpen(byFingerprint.incident)) {
    const i = byFingerprint.incident;
    const age = at.getTime() - byFingerprint.key.seenAt.getTime();
    if (i.agency === report.agency && i._id === byFingerprint.key.incidentId && age >= 0 && age < windowMs)
      return { action: 'join', incidentId: i._id, matchedBy: 'fingerprint' };
  }
  return { action: 'open' };
}

/**
 * May a claim overwrite a key document already there? Only when it no longer leads anywhere: its
 * incident is over, or it was last seen a window or more before `at`. Otherwise the claim lost a race
 * and the report is decided again.
 */
export function mayReplaceKey(
  existing: DedupKey,
  incident: IncidentState | null,
  at: Date,
  windowMs: number,
): boolean {
  if (!isOpen(incident)) return true;
  if (existing._id.startsWith('src:')) return false;
  return at.getTime() - existing.seenAt.getTime() >= windowMs;
}
