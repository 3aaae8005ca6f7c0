// Test support for services: import from '@openlgsp/http/testing' in tests only.
export * from './service.js';
export * from './command-arbitrary.js';
export * from './command-properties.js';
export * from './catalogue-facts.js';
export * from './scans.js';
