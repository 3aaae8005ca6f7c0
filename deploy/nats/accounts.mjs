// The one definition of OpenLGSP's NATS accounts, users and permissions. `generate.mjs` turns it
// into the nats.conf of `npm start` and of the test harness, the compose `nats-conf` and the
// k8s chart values (k8s/nats/values.yaml); a test checks the committed copies against it.
//
// Accounts (NATS isolates subjects per account):
//   SYS              the system account; one operator user, `sys`.
//   LGSP             the platform: every stream, JetStream on; one user per service.
//   AGENCY_<code>    one per agency, no JetStream. Its one user, `agency-<code>`, publishes below
//                    lgsp.intake.<code>. — a service the LGSP account exports to that account only —
//                    and reads lgsp.rejected.<code>, a stream LGSP exports to it. Because the intake
//                    subjects are a service import, the server rewrites the reply subject of every
//                    publish to a one-time reply back into the agency's account: JetStream's publish
//                    acknowledgement can only ever land there, never on a stream's subject in LGSP.
//   PUBLIC           external apps (issue 10). JetStream on, but its only stream is OPENDATA, a
//                    mirror of LGSP's OPENDATA (same sequence numbers, so positions match the SSE
//                    feed), created by `feed-admin` (ensurePublicFeed). The `public` user reads it:
//                    stream info, message get, its own consumers (pull), no publish anywhere. A push
//                    consumer's deliver subject stays inside PUBLIC, where nothing else listens, and
//                    the account's JetStream limits bound how many consumers all apps together hold.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** The streams each service reads (its durable and ordered consumers); see each service's consumers. */
export const SERVICES = {
  catalogue: { reads: ['INTAKE', 'CATALOGUE'] },
  sharing: { reads: ['INTAKE', 'CATALOGUE', 'SHARING'] },
  opendata: { reads: ['CATALOGUE', 'OPENDATA'] },
  audit: {
    reads: ['CATALOGUE', 'SHARING', 'OPENDATA', 'AUDIT', 'INCIDENTS', 'INTAKE', 'REJECTED', 'DLQ'],
    // The operator console (served by audit) lists the bus's streams and consumers and removes a
    // replayed or discarded dead letter; the replay itself goes through the `console` user below.
    extra: ['$JS.API.STREAM.LIST', '$JS.API.CONSUMER.LIST.*', '$JS.API.STREAM.MSG.DELETE.DLQ'],
  },
  incidents: { reads: ['INTAKE', 'INCIDENTS'] },
};

/**
 * The agencies with a NATS user where the catalogue is not consulted (npm start, tests, compose,
 * the k8s example): the demo's departments. More with LGSP_NATS_AGENCIES=CODE,CODE (README).
 */
export const DEFAULT_AGENCIES = ['STNMT', 'SYT', 'STTTT'];

/**
 * External apps with a NATS user of their own (`app-<name>`, in PUBLIC): none by default, more with
 * LGSP_NATS_APPS=name,name. Unlike the shared `public` user, each may use only its own durable
 * consumer, named as the app, so no app can read from or delete another's.
 */
export const DEFAULT_APPS = [];

/** Agency codes are NATS-token safe (contracts: agencyCodePattern); anything else would change a subject's meaning. */
export const AGENCY_CODE = /^[A-Za-z0-9_-]{2,64}$/;

/** The JetStream limits of the PUBLIC account: every external app together. */
export const PUBLIC_LIMITS = { max_mem: 0, max_file: 2 * 1024 ** 3, max_streams: 1, max_consumers: 200 };

/** The user the test harness connects as when a test gives no credentials; exists only in the test variant. */
export const TEST_FIXTURES_USER = 'lgsp-test-fixtures';

/** How PUBLIC's OPENDATA mirrors LGSP's: the JetStream API prefix and delivery subject LGSP exports to it. */
export const PUBLIC_FEED = {
  api: '$JS.LGSP.API',
  deliver: 'lgsp.public.mirror.opendata',
  stream: 'OPENDATA',
};

/** The subjects each context's contracts publish on, by kind (contracts/events is the source). */
function contractSubjects(context) {
  const dir = join(root, 'contracts/events', context);
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return { domain: [], intake: [], report: [] };
  }
  const out = { domain: [], intake: [], report: [] };
  for (const f of files.sort()) {
    const meta = JSON.parse(readFileSync(join(dir, f), 'utf8'))['x-lgsp'];
    if (meta?.kind in out) out[meta.kind].push(meta.subject);
  }
  return out;
}

const jsRead = (stream) => [
  `$JS.API.STREAM.MSG.GET.${stream}`,
  `$JS.API.DIRECT.GET.${stream}`,
  `$JS.API.DIRECT.GET.${stream}.>`,
  `$JS.API.CONSUMER.CREATE.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.INFO.${stream}.>`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
  `$JS.API.CONSUMER.DELETE.${stream}.>`,
  `$JS.API.CONSUMER.NAMES.${stream}`,
  `$JS.API.CONSUMER.LIST.${stream}`,
  `$JS.ACK.${stream}.>`,
];

/**
 * The operator console's replays: a dead letter published again on its original subject (a fact of
 * any context, or an agency's intake), nothing else. A user of its own, not the audit service's, so
 * the audit recorder can never speak for another service; the audit service opens this connection
 * only for a DIC operator's replay (CONSOLE_NATS_USER), and every replay is in the trail.
 */
export const CONSOLE_USER = 'console';
export const CONSOLE_PERMISSIONS = {
  publish: {
    allow: ['lgsp.catalogue.>', 'lgsp.sharing.>', 'lgsp.opendata.>', 'lgsp.incidents.>', 'lgsp.intake.>'],
  },
  subscribe: { allow: [`_INBOX_${CONSOLE_USER}.>`] },
};

/** A KV bucket's JetStream API and key subjects (create, read, compare-and-set writes). */
const kvBucket = (bucket) => [
  `$KV.${bucket}.>`,
  `$JS.API.STREAM.MSG.GET.KV_${bucket}`,
  `$JS.API.DIRECT.GET.KV_${bucket}`,
  `$JS.API.DIRECT.GET.KV_${bucket}.>`,
];

/** A service's permissions: its own facts, intake and rejections of its context, its dead letters and access events, the streams it reads. */
export function servicePermissions(service) {
  const spec = SERVICES[service];
  const own = contractSubjects(service);
  const publish = [
    ...own.domain,
    ...own.intake.map((s) => s.replace('{agency}', '*')),
    ...(own.intake.length ? ['lgsp.rejected.*'] : []),
    `lgsp.dlq.${service}`,
    ...contractSubjects('audit').report.map((s) => s.replace('{service}', service)),
    // ensureStreams runs in every service at start (libs/events topology); no delete, purge or message delete.
    '$JS.API.INFO',
    '$JS.API.STREAM.INFO.*',
    '$JS.API.STREAM.CREATE.*',
    '$JS.API.STREAM.UPDATE.*',
    '$JS.API.STREAM.NAMES',
    ...spec.reads.flatMap(jsRead),
    ...(spec.extra ?? []),
    // Its rate-limit counters, shared by its replicas (libs/http shared-rate-limit): a KV bucket of its own.
    ...kvBucket(`rate-limits-${service}`),
  ];
  return {
    publish: { allow: publish },
    // Pull consumers deliver on the connection's inbox; the service's own prefix keeps others' out.
    subscribe: { allow: [`_INBOX_${service}.>`] },
  };
}

export function agencyPermissions(code) {
  return {
    publish: { allow: [`lgsp.intake.${code}.>`] },
    subscribe: { allow: [`lgsp.rejected.${code}`, '_INBOX.>'] },
  };
}

/** What every reader of the public feed may ask of PUBLIC's OPENDATA: its info and its messages. */
const FEED_READ = [
  '$JS.API.INFO',
  '$JS.API.STREAM.INFO.OPENDATA',
  '$JS.API.STREAM.MSG.GET.OPENDATA',
  '$JS.API.DIRECT.GET.OPENDATA',
  '$JS.API.DIRECT.GET.OPENDATA.>',
];

/** An app's own user: the feed's stream info and messages, and one durable pull consumer named as the app. */
export function appPermissions(app) {
  const consumer = (api) => [
    `$JS.API.CONSUMER.${api}.OPENDATA.${app}`,
    `$JS.API.CONSUMER.${api}.OPENDATA.${app}.>`,
  ];
  return {
    publish: {
      allow: [
        ...FEED_READ,
        ...consumer('CREATE'),
        `$JS.API.CONSUMER.DURABLE.CREATE.OPENDATA.${app}`,
        `$JS.API.CONSUMER.INFO.OPENDATA.${app}`,
        `$JS.API.CONSUMER.MSG.NEXT.OPENDATA.${app}`,
        `$JS.API.CONSUMER.DELETE.OPENDATA.${app}`,
        `$JS.ACK.OPENDATA.${app}.>`,
      ],
    },
    // Its own inbox prefix (clients set inboxPrefix: '_INBOX_<name>'): no other app hears its replies.
    subscribe: { allow: [`_INBOX_${app}.>`] },
  };
}

export const PUBLIC_PERMISSIONS = {
  publish: {
    allow: [
      ...FEED_READ,
      '$JS.API.CONSUMER.CREATE.OPENDATA',
      '$JS.API.CONSUMER.CREATE.OPENDATA.>',
      '$JS.API.CONSUMER.INFO.OPENDATA.*',
      '$JS.API.CONSUMER.MSG.NEXT.OPENDATA.*',
      '$JS.API.CONSUMER.DELETE.OPENDATA.*',
      '$JS.ACK.OPENDATA.>',
    ],
  },
  subscribe: { allow: ['_INBOX.>'] },
};

/** The environment variable holding a user's password (compose, k8s): NATS_PW_AGENCY_STNMT, … */
export const passwordVariable = (user) => `NATS_PW_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** Every user of the configuration, for password generation and secrets. */
export function usersOf({ agencies = DEFAULT_AGENCIES, apps = DEFAULT_APPS, variant = 'platform' } = {}) {
  return [
    'sys',
    ...Object.keys(SERVICES),
    CONSOLE_USER,
    ...agencies.map((a) => `agency-${a}`),
    'public',
    ...apps.map((a) => `app-${a}`),
    'feed-admin',
    ...(variant === 'test' ? [TEST_FIXTURES_USER] : []),
  ];
}

/**
 * The `accounts` block of nats.conf, `system_account` and, for tests, `no_auth_user`.
 * `password(user)` gives what to write as the user's password (a literal or a reference).
 */
export function natsAccounts({
  agencies = DEFAULT_AGENCIES,
  apps = DEFAULT_APPS,
  variant = 'platform',
  password,
}) {
  for (const a of agencies)
    if (!AGENCY_CODE.test(a))
      throw new Error(`agency code '${a}' is not NATS-token safe (${AGENCY_CODE.source})`);
  for (const a of apps)
    if (!AGENCY_CODE.test(a))
      throw new Error(`app name '${a}' is not NATS-token safe (${AGENCY_CODE.source})`);
  const account = (code) => `AGENCY_${code}`;
  const lgspUsers = Object.keys(SERVICES).map((s) => ({
    user: s,
    password: password(s),
    permissions: servicePermissions(s),
  }));
  lgspUsers.push({
    user: CONSOLE_USER,
    password: password(CONSOLE_USER),
    permissions: CONSOLE_PERMISSIONS,
  });
  if (variant === 'test')
    // Test setup only (publishing fixtures, reading streams); never in npm start, compose or k8s.
    lgspUsers.push({ user: TEST_FIXTURES_USER, password: password(TEST_FIXTURES_USER) });
  const feedApi = (subject) => subject.replace('$JS.API', PUBLIC_FEED.api);
  const feedServices = [
    '$JS.API.CONSUMER.CREATE.OPENDATA.>',
    '$JS.API.CONSUMER.CREATE.OPENDATA',
    '$JS.API.CONSUMER.DELETE.OPENDATA.>',
    '$JS.API.CONSUMER.INFO.OPENDATA.>',
    '$JS.API.STREAM.INFO.OPENDATA',
  ];
  const accounts = {
    SYS: { users: [{ user: 'sys', password: password('sys') }] },
    LGSP: {
      jetstream: 'enabled',
      users: lgspUsers,
      exports: [
        ...agencies.flatMap((a) => [
          { service: `lgsp.intake.${a}.>`, accounts: [account(a)] },
          { stream: `lgsp.rejected.${a}`, accounts: [account(a)] },
        ]),
        // What PUBLIC's mirror needs: consumers on OPENDATA, and their deliveries.
        ...feedServices.map((service) => ({ service, accounts: ['PUBLIC'] })),
        { stream: `${PUBLIC_FEED.deliver}.>`, accounts: ['PUBLIC'] },
      ],
      imports: [{ service: { account: 'PUBLIC', subject: '$JS.FC.>' } }],
    },
    ...Object.fromEntries(
      agencies.map((a) => [
        account(a),
        {
          users: [
            { user: `agency-${a}`, password: password(`agency-${a}`), permissions: agencyPermissions(a) },
          ],
          imports: [
            { service: { account: 'LGSP', subject: `lgsp.intake.${a}.>` } },
            { stream: { account: 'LGSP', subject: `lgsp.rejected.${a}` } },
          ],
        },
      ]),
    ),
    PUBLIC: {
      jetstream: { ...PUBLIC_LIMITS },
      users: [
        { user: 'public', password: password('public'), permissions: PUBLIC_PERMISSIONS },
        ...apps.map((a) => ({
          user: `app-${a}`,
          password: password(`app-${a}`),
          permissions: appPermissions(a),
        })),
        // Creates and keeps the mirror (ensurePublicFeed); an operator's user, never given out.
        { user: 'feed-admin', password: password('feed-admin') },
      ],
      imports: [
        ...feedServices.map((subject) => ({ service: { account: 'LGSP', subject }, to: feedApi(subject) })),
        { stream: { account: 'LGSP', subject: `${PUBLIC_FEED.deliver}.>` } },
      ],
      exports: [{ service: '$JS.FC.>', accounts: ['LGSP'] }],
    },
  };
  return {
    system_account: 'SYS',
    accounts,
    ...(variant === 'test' ? { no_auth_user: TEST_FIXTURES_USER } : {}),
  };
}

/** PUBLIC's OPENDATA: a mirror of LGSP's, through the API and delivery subject LGSP exports. */
export const PUBLIC_FEED_STREAM = {
  name: PUBLIC_FEED.stream,
  mirror: { name: 'OPENDATA', external: { api: PUBLIC_FEED.api, deliver: PUBLIC_FEED.deliver } },
  storage: 'file',
  max_consumers: PUBLIC_LIMITS.max_consumers,
};

/** Creates PUBLIC's mirror of OPENDATA if missing, connected as feed-admin (`jsm`: a JetStreamManager). */
export async function ensurePublicFeed(jsm) {
  try {
    await jsm.streams.info(PUBLIC_FEED_STREAM.name);
  } catch {
    await jsm.streams.add(structuredClone(PUBLIC_FEED_STREAM));
  }
}
