import type { ConsumerSpec } from '@openlgsp/events';

/** The access check's holdings follow every grant event (a repair path; the use case writes them first). */
export const SHARING_HOLDINGS: ConsumerSpec = {
  durable: 'sharing-holdings',
  stream: 'SHARING',
  filterSubjects: ['lgsp.sharing.grant.>'],
  unhandled: 'skip',
};
