import type { IncidentReportCommand } from '@openlgsp/contracts';
import type { Door, IncidentReport } from './incident.model.js';

/** The report a command body makes, for the door it came through and the agency whose incident it is. */
export function toReport(body: IncidentReportCommand, door: Door, agency: string): IncidentReport {
  return {
    door,
    agency,
    ...(body.source ? { source: body.source } : {}),
    ...(body.sourceRef ? { sourceRef: body.sourceRef } : {}),
    contact: body.contact,
    category: body.category,
    severity: body.severity,
    affectedSystems: body.affectedSystems ?? [],
    ...(body.accessPoint ? { accessPoint: body.accessPoint } : {}),
    detectedAt: new Date(body.detectedAt),
    description: body.description,
    observables: body.observables,
    attachments: body.attachments ?? [],
  };
}
