// The opendata service's pure domain modules; the Nest/HTTP/event wiring follows.
export * from './vocabularies/index.js';
export * from './catalogue-view/catalogue-view.model.js';
export * from './datasets/dataset.model.js';
export * from './datasets/dataset.rules.js';
export * from './datasets/metadata.rules.js';
export * from './datasets/freshness.rules.js';
export * from './distributions/distribution.rules.js';
export * from './distributions/table-schema.js';
export * from './distributions/csv-check.js';
export * from './feedback/feedback.model.js';
export * from './feedback/feedback.rules.js';
export * from './dcat/dcat.context.js';
export * from './dcat/dcat.serialiser.js';
export * from './dcat/schema-org.js';
export * from './dcat/shapes.js';
