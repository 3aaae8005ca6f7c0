// One autocannon run in its own process (the service under test keeps its event loop to itself).
// Reads the run as JSON from argv[2]; prints autocannon's summary as JSON on stdout.
// `{{uuid}}` in the body is replaced by a fresh UUID per request, for writes that must differ.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const template = spec.body === undefined ? undefined : JSON.stringify(spec.body);
const result = await autocannon({
  url: spec.url,
  method: spec.method ?? 'GET',
  headers: { ...(template ? { 'content-type': 'application/json' } : {}), ...spec.headers },
  connections: spec.connections,
  amount: spec.amount,
  ...(template
    ? {
        requests: [
          { setupRequest: (req) => ({ ...req, body: template.replaceAll('{{uuid}}', () => randomUUID()) }) },
        ],
      }
    : {}),
});
process.stdout.write(JSON.stringify(result));
