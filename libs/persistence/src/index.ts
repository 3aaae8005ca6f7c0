export * from './connection.js';
export * from './outbox.schema.js';
export * from './aggregate.repository.js';
export * from './processed-events.js';
export * from './cursor.js';
export * from './nest.js';
export * from './id-lists.js';
export * from './due-lists.js';
