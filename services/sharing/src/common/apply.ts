import type { Fact } from '@openlgsp/contracts';
import { RuleViolationError, unwrap, type Result } from '@openlgsp/domain';
import type { ActingParty, EventFactory } from '@openlgsp/events';
import { ConflictError, type AggregateDoc, type AggregateRepository } from '@openlgsp/persistence';

/**
 * Load → rule → one guarded write of the next state with its events (the outbox). A rule that
 * establishes nothing writes nothing; a concurrent writer makes the write fail with a conflict.
 */
export async function applyRule<T extends AggregateDoc>(
  repository: AggregateRepository<T>,
  events: EventFactory,
  id: string,
  by: ActingParty | undefined,
  rule: (doc: T) => Result<{ next: T; facts: Fact[] }>,
): Promise<T> {
  const doc = await repository.get(id);
  const change = unwrap(rule(doc));
  if (!change.facts.length) return doc;
  const { _id, revision: _r, outbox: _o, ...next } = change.next as T & { outbox?: unknown };
  return repository.update(id, doc.revision, next as never, events.createAll(change.facts, id, by));
}

/** Time-driven steps try every due document; losing a race to another instance is not a failure. */
export function isLostRace(err: unknown): boolean {
  return (
    err instanceof ConflictError || (err instanceof RuleViolationError && err.violation.kind === 'conflict')
  );
}

/** A time-driven step on one due document, by the platform: false when another instance got there first. */
export async function applyDue<T extends AggregateDoc>(
  repository: AggregateRepository<T>,
  events: EventFactory,
  id: string,
  rule: (doc: T) => Result<{ next: T; facts: Fact[] }>,
  applied?: (doc: T) => Promise<void>,
): Promise<boolean> {
  try {
    const doc = await applyRule(repository, events, id, undefined, rule);
    await applied?.(doc);
    return true;
  } catch (err) {
    if (isLostRace(err)) return false;
    throw err;
  }
}
