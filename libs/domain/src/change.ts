import type { Fact } from '@openlgsp/contracts';

/**
 * What a rule establishes: the aggregate's next state and the facts (future events) that say so.
 * No facts means nothing changed, and nothing is written.
 */
export interface Change<T> {
  next: T;
  facts: Fact[];
}
