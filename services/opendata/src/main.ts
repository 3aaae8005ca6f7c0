import { startTelemetry } from '@openlgsp/telemetry';

// Tracing starts before the modules it instruments are loaded.
await startTelemetry({ serviceName: 'opendata' });
const { bootstrap } = await import('@openlgsp/http');
const { AppModule } = await import('./app.module.js');
await bootstrap('opendata', AppModule);
