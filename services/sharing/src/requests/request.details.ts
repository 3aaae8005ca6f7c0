import type { RequestFiledV1 } from '@openlgsp/contracts';
import type { RequestDetails } from './request.model.js';

/** The wire form of a request (intake event or HTTP body, same fields) as the rules take it. */
export function toDetails(d: RequestFiledV1): RequestDetails {
  return {
    entryId: d.entryId,
    ...(d.serviceId ? { serviceId: d.serviceId } : {}),
    purpose: d.purpose,
    fields: d.fields,
    legalBasis: d.legalBasis,
    period: { from: new Date(d.period.from), until: new Date(d.period.until) },
    ...(d.thirdParty ? { thirdParty: d.thirdParty } : {}),
    contact: d.contact,
    ...(d.dataSubject ? { dataSubject: d.dataSubject } : {}),
  };
}
