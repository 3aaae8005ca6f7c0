/**
 * Loaded first in each test file's process (`node --import ./dist/test/preload.js`): tracing starts
 * here, as in a service's main.ts, before anything loads `http` or the MongoDB driver, which the
 * instrumentations patch only when they are first loaded (@openlgsp/testing loads mongoose). Without
 * the suite's trace backend (global-setup.ts), that is a test file run alone, it starts one of its
 * own, stopped when the process exits.
 */
import { startJaeger } from '@openlgsp/testing/jaeger';
import { startTelemetry } from '@openlgsp/telemetry';
import { traceEnvironment } from './trace-backend.js';

if (!process.env.LGSP_TRACE_QUERY_URL) Object.assign(process.env, traceEnvironment(await startJaeger()));
await startTelemetry({ serviceName: 'e2e' });
