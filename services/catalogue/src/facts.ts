import type { EventDataByType, EventType } from '@openlgsp/contracts';

/** An event a rule has established, before it gets an envelope: a type and its contract-typed data. */
export type Fact = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];
