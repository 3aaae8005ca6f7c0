import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { findEvent, type ServiceUnderTest } from '@openlgsp/http/testing';
import { landDatabase, landService } from '@openlgsp/catalogue-service/test/fixtures';
import { decideProposal, startPlatform, type ServiceName } from './platform.js';
import {
  curlRequest,
  expandWords,
  natsCommand,
  promisedStatuses,
  readmeCommands,
  ReadmeError,
  type ReadmeCommand,
} from './readme.js';

/**
 * The README's integration examples work as written: every `curl` and `nats` command of its bash blocks
 * runs against a started platform — the gateway's http://127.0.0.1:8080/<service>/… mapped to that
 * service, tokens made as the README makes them (`npm run -s token -- --agency … --roles …`) — and
 * answers as its comment says. An example the test cannot read fails, naming its README line.
 */
const root = new URL('../../../', import.meta.url); // e2e/dist/test/ → the repository
const GATEWAY = /^http:\/\/127\.0\.0\.1:8080\/([a-z]+)(\/[^\s]*)$/;
const SERVICES: ServiceName[] = ['catalogue', 'sharing', 'audit', 'opendata'];
/** The external app's API key the README's webhook example sends as `$KEY`. */
const APP_KEY = 'readme-example-app-key';

let commands: ReadmeCommand[] = [];
let unreadable: unknown;
try {
  commands = readmeCommands(readFileSync(new URL('README.md', root), 'utf8'));
} catch (err) {
  unreadable = err;
}

/** The service a command talks to, by the gateway path or the intake subject it names. */
function serviceNamed(command: ReadmeCommand): string | undefined {
  return (
    /http:\/\/127\.0\.0\.1:8080\/([a-z]+)\//.exec(command.source)?.[1] ??
    /\blgsp\.intake\.[^.\s]+\.([a-z]+)\./.exec(command.source)?.[1]
  );
}
const needed = [
  ...new Set<ServiceName>([
    'catalogue',
    'sharing',
    ...commands.map(serviceNamed).filter((s): s is ServiceName => SERVICES.includes(s as ServiceName)),
  ]),
];

let platform: Awaited<ReturnType<typeof startPlatform<ServiceName>>>;
/** What the README leaves to its reader: `$ENTRY` and `$SERVICE`, an entry of STNMT and its service. */
const known: Record<string, string> = {};
/** Events the examples published over NATS: what a later `nats sub lgsp.rejected.<agency>` waits for. */
const publishedOverNats: { subject: string; id: string }[] = [];

function started(name: string | undefined, command: ReadmeCommand): ServiceUnderTest {
  const sut = platform.services[name as ServiceName];
  if (!sut)
    throw new ReadmeError(
      command.line,
      `the example talks to '${name ?? '?'}', which is not a service the test starts (${SERVICES.join(', ')})`,
    );
  return sut;
}

/** `$(npm run -s token -- --agency X --roles a,b [--sub S] [--ttl T])`: a token `sut` accepts. */
async function tokenCommand(sut: ServiceUnderTest, argv: string[], line: number): Promise<string> {
  const at = argv.indexOf('token');
  if (argv[0] !== 'npm' || argv[1] !== 'run' || at < 0 || argv[at + 1] !== '--')
    throw new ReadmeError(
      line,
      `the test cannot run $(${argv.join(' ')}); it knows \`npm run -s token -- …\``,
    );
  const { values } = parseArgs({
    args: argv.slice(at + 2),
    options: {
      agency: { type: 'string' },
      roles: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
  });
  if (!values.agency || !values.roles)
    throw new ReadmeError(line, 'the token command needs --agency and --roles');
  const roles = values.roles.split(',') as Parameters<ServiceUnderTest['token']>[1];
  return sut.token(values.agency, roles, values.sub ?? `dev-${values.agency}`);
}

const expansionFor = (sut: ServiceUnderTest | undefined, command: ReadmeCommand) => ({
  variable: (name: string) => known[name],
  run: (argv: string[]) => {
    if (!sut) throw new ReadmeError(command.line, `$(${argv.join(' ')}) in a NATS example`);
    return tokenCommand(sut, argv, command.line);
  },
});

async function curl(command: ReadmeCommand): Promise<void> {
  const sut = started(serviceNamed(command), command);
  const request = curlRequest(await expandWords(command, expansionFor(sut, command)), command.line);
  const expected = promisedStatuses(command);
  if (expected.length === 0)
    throw new ReadmeError(
      command.line,
      'its comment states no HTTP status: write the answer below it, e.g. "# 202 …"',
    );
  const gateway = GATEWAY.exec(request.url);
  if (!gateway)
    throw new ReadmeError(command.line, `${request.url} is not a URL of the gateway http://127.0.0.1:8080/`);
  const body =
    request.body &&
    ('file' in request.body ? readFileSync(new URL(request.body.file, root), 'utf8') : request.body.text);
  if (request.stream) {
    // A stream that does not end (`curl -N`): the status and media type of its head are the answer.
    const stop = new AbortController();
    const response = await fetch(`${sut.url}/${gateway[1]}${gateway[2]}`, {
      method: request.method,
      headers: request.headers,
      signal: stop.signal,
    });
    stop.abort();
    assert.ok(
      expected.includes(response.status),
      `README line ${command.line} promises ${expected.join(' or ')}; the platform answered ${response.status}`,
    );
    const type = /^\d{3} (\S+\/[^\s:;]+)/.exec(command.comments.find((c) => /^\d{3}\b/.test(c)) ?? '')?.[1];
    if (type)
      assert.ok(
        response.headers.get('content-type')?.startsWith(type),
        `README line ${command.line}: not ${type}`,
      );
    return;
  }
  const answer = await sut.request(request.method, `/${gateway[1]}${gateway[2]}`, {
    headers: request.headers,
    ...(body !== undefined ? { rawBody: body } : {}),
  });
  assert.ok(
    expected.includes(answer.status),
    `README line ${command.line} promises ${expected.join(' or ')}; the platform answered ${answer.status} ${JSON.stringify(answer.body)}`,
  );
}

async function nats(command: ReadmeCommand): Promise<void> {
  const js = platform.services.catalogue.js;
  const nats = natsCommand(await expandWords(command, expansionFor(undefined, command)), command.line);
  if (nats.verb === 'pub') {
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(nats.headers)) headers.set(name, value);
    // As the README's integrator would: connected as the agency's own NATS user (deploy/nats/accounts.mjs).
    const agency = /^lgsp\.intake\.([^.\s]+)\./.exec(nats.subject)?.[1];
    if (!agency)
      throw new ReadmeError(command.line, `the test publishes intake events only, not ${nats.subject}`);
    const nc = await connect({
      servers: platform.engines.natsUrl,
      ...platform.engines.natsCredentials(`agency-${agency}`),
    });
    // A JetStream publish is a request; the reply is the acknowledgement, {stream, seq, duplicate?}.
    const ack = await nc
      .request(nats.subject, new TextEncoder().encode(nats.body), { headers, timeout: 10_000 })
      .then((m) => m.json<{ stream?: string; duplicate?: boolean; error?: unknown }>())
      .finally(() => nc.close());
    assert.equal(ack.stream, 'INTAKE', `README line ${command.line}: ${JSON.stringify(ack)}`);
    assert.equal(
      ack.duplicate ?? false,
      false,
      `README line ${command.line}: JetStream took the event for a duplicate`,
    );
    const id = nats.headers['ce-id'];
    if (id) publishedOverNats.push({ subject: nats.subject, id });
    return;
  }
  const agency = /^lgsp\.rejected\.([^.\s]+)$/.exec(nats.subject)?.[1];
  if (!agency)
    throw new ReadmeError(
      command.line,
      `the test checks \`nats sub lgsp.rejected.<agency>\` only, not ${nats.subject}`,
    );
  const refused = publishedOverNats.filter((p) => p.subject.startsWith(`lgsp.intake.${agency}.`)).at(-1);
  if (!refused)
    throw new ReadmeError(
      command.line,
      `no \`nats pub\` of ${agency} above it: the test has nothing to wait for`,
    );
  // The platform the test starts knows none of the example's ids, so the owning service refuses the
  // event: what arrives is the refusal the README describes, {eventId, reasons[{code,path,message}]}.
  const rejection = await findEvent<{ eventId: string; reasons: { code: string; message: string }[] }>(
    js,
    'REJECTED',
    (e, subject) => subject === nats.subject && e.data.eventId === refused.id,
  );
  assert.ok(rejection.data.reasons.length > 0, 'a refusal should give its reasons');
  for (const reason of rejection.data.reasons) {
    assert.equal(typeof reason.code, 'string', `each reason should have a code: ${JSON.stringify(reason)}`);
    assert.equal(
      typeof reason.message,
      'string',
      `each reason should have a message: ${JSON.stringify(reason)}`,
    );
  }
}

/** A listed entry of STNMT with an active service, made through the catalogue's API: their ids. */
async function entryWithService(
  catalogue: ServiceUnderTest,
): Promise<{ entryId: string; serviceId: string }> {
  const entryId = await decideProposal(catalogue, {
    content: landDatabase('STNMT'),
    justification: 'Phục vụ thủ tục đất đai liên thông',
  });
  const declared = await catalogue.request('POST', '/catalogue/services', {
    token: await catalogue.token('STNMT', ['provider']),
    body: landService(entryId),
  });
  assert.equal(declared.status, 201, JSON.stringify(declared.body));
  return { entryId, serviceId: declared.body.serviceId };
}

/** Sharing knows entries and services only from the catalogue's events: waits until it knows both. */
async function sharingKnows(sharing: ServiceUnderTest, entryId: string, serviceId: string): Promise<void> {
  const token = await sharing.token('STNMT', ['integrator']);
  const path = `/sharing/grants/check?holder=SXD&entryId=${entryId}&serviceId=${serviceId}&fields=area`;
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    last = await sharing.request('GET', path, { token });
    if (last.status === 200 && last.body.reasons?.[0]?.code === 'no-grant') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `sharing did not learn entry ${entryId} and service ${serviceId}: ${JSON.stringify(last?.body)}`,
  );
}

const keysDir = mkdtempSync(join(tmpdir(), 'readme-keys-'));

before(async () => {
  // The webhook example's app: an API key of role public-app (API_KEYS_FILE holds its SHA-256), and its receiver on this machine let
  // through the SSRF guard (a public URL needs nothing; the test has no network).
  const keysFile = join(keysDir, 'api-keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify([
      {
        id: 'readme-app',
        sha256: createHash('sha256').update(APP_KEY).digest('hex'),
        roles: ['public-app'],
        rateLimitPerMinute: 600,
      },
    ]),
  );
  known.KEY = APP_KEY;
  platform = await startPlatform(needed, {
    opendata: { API_KEYS_FILE: keysFile, OUTBOUND_ALLOW_LIST: '127.0.0.1', WEBHOOK_WORKER: 'off' },
  });
  const { entryId, serviceId } = await entryWithService(platform.services.catalogue);
  await sharingKnows(platform.services.sharing, entryId, serviceId);
  Object.assign(known, { ENTRY: entryId, SERVICE: serviceId });
});
after(async () => {
  await platform?.stop();
  rmSync(keysDir, { recursive: true, force: true });
});

describe("the README's integration examples, against a started platform", () => {
  if (unreadable) it('can be read', () => assert.fail(unreadable as Error));
  it('has HTTP and NATS examples to run', () => {
    assert.ok(
      commands.some((c) => c.source.startsWith('curl ')),
      'the README should show a curl example',
    );
    assert.ok(
      commands.some((c) => c.source.startsWith('nats pub ')),
      'the README should show a nats pub example',
    );
  });
  for (const command of commands) {
    const summary = command.source.length > 90 ? `${command.source.slice(0, 90)}…` : command.source;
    it(`line ${command.line}: ${summary}`, () =>
      command.source.startsWith('curl') ? curl(command) : nats(command));
  }
});
