export { startEngines, type Engines } from './engines.js';
export { startMongo } from './mongo.js';
export { startNats, type NatsCredentials, type StartedNats } from './nats.js';
export { logToSuiteFile } from './logs.js';
export { startS3, type S3Server } from './s3.js';
export { freePort } from './ports.js';
export type { EngineKind, EngineProcess, StartedEngine } from './process.js';
export { findMessage, readMessages } from './streams.js';
export { startJaeger, readTrace, waitForTrace, type TraceBackend, type TraceSpan } from './jaeger.js';
