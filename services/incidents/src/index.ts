// The incidents service's pure domain (DOMAIN.md §5). The Nest wiring (controllers, handlers, stores)
// comes with the services' new shape; until then this is what the service is made of.
export * from './config.js';
export * from './common/actor.js';
export * from './common/vietnam-time.js';
export * from './incidents/incident.model.js';
export * as incidents from './incidents/incident.rules.js';
export * from './incidents/observable.rules.js';
export * from './incidents/dedup.rules.js';
export * from './incidents/clock.rules.js';
export * from './incidents/visibility.rules.js';
export * from './incidents/taxonomy.js';
export * from './warnings/warning.model.js';
export * as warnings from './warnings/warning.rules.js';
export * from './registrations/registration.model.js';
export * as registrations from './registrations/registration.rules.js';
export * from './assessments/assessment.model.js';
export * as assessments from './assessments/assessment.rules.js';
export * from './annual-reports/annual-report.model.js';
export * as annualReports from './annual-reports/annual-report.rules.js';
