import { startJaeger, type TraceBackend } from '@openlgsp/testing/jaeger';
import { traceEnvironment } from './trace-backend.js';

/**
 * One trace backend for the whole e2e suite (`node --test --test-global-setup`): every test file's
 * services export their spans to it, and the trace assertions query it (traces.ts).
 */
let jaeger: TraceBackend | undefined;

export async function globalSetup(): Promise<void> {
  jaeger = await startJaeger();
  // Set here, in the runner, before it starts the test files: each file's process inherits them.
  Object.assign(process.env, traceEnvironment(jaeger));
}

export async function globalTeardown(): Promise<void> {
  await jaeger?.stop();
}
