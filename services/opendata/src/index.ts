// The opendata service's pure domain modules; the Nest/HTTP/event wiring follows.
export * from './vocabularies/index.js';
