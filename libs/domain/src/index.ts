export * from './result.js';
export * from './not-found.js';
export * from './actor.js';
export * from './change.js';
export * from './search-text.js';
export * from './backoff.js';
