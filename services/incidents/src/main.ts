import { startTelemetry } from '@openlgsp/telemetry';

// Tracing starts before the modules it instruments are loaded.
await startTelemetry({ serviceName: 'incidents' });
const { bootstrap } = await import('@openlgsp/http');
const { AppModule } = await import('./app.module.js');
await bootstrap('incidents', AppModule);
