import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startEngines, type Engines } from '@openlgsp/testing';
import { toNatsMessage } from '../src/binding.js';
import { createEvent } from '../src/envelope.js';
import { EventPublisher, msgIdFor } from '../src/publisher.js';
import {
  ensureStreams,
  STREAMS,
  MAX_CONSUMERS,
  MIN_DUPLICATE_WINDOW_NS,
  type StreamName,
} from '../src/topology.js';
import { example } from './support.js';

/**
 * What each kind of NATS user may and may not do, on a real nats-server running the generated
 * configuration (deploy/nats/accounts.mjs, as `npm start`, compose and k8s run it): the services,
 * an agency, the public feed user. Each refusal is shown beside the same user's allowed action.
 */

const SERVICES = ['catalogue', 'sharing', 'opendata', 'audit', 'incidents'] as const;
const PERMISSION = /permission/i;

interface Client {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

describe('NATS accounts and permissions', () => {
  let engines: Engines;
  let fixtures: Client;
  const clients: NatsConnection[] = [];

  /** A connection as `user`; services use their own inbox prefix, as libs/events connects them. */
  async function as(user: string): Promise<Client> {
    const service = (SERVICES as readonly string[]).includes(user) || user === 'console';
    const app = user.startsWith('app-') ? user.slice('app-'.length) : undefined;
    const nc = await connect({
      servers: engines.natsUrl,
      ...engines.natsCredentials(user),
      ...(service ? { inboxPrefix: `_INBOX_${user}` } : app ? { inboxPrefix: `_INBOX_${app}` } : {}),
    });
    clients.push(nc);
    return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc, { checkAPI: false }) };
  }

  const lastSeq = async (stream: StreamName) => (await fixtures.jsm.streams.info(stream)).state.last_seq;

  before(async () => {
    engines = await startEngines({ mongo: false, natsApps: ['atlas', 'borealis'] });
    // No credentials: the test-only fixtures user, for setup and for looking at the streams.
    const nc = await connect({ servers: engines.natsUrl });
    clients.push(nc);
    fixtures = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
    await ensureStreams(fixtures.jsm);
    await engines.ensurePublicFeed();
  });

  after(async () => {
    for (const nc of clients) await nc.close().catch(() => undefined);
    await engines?.stop();
  });

  describe('the operator console (replays)', () => {
    it('publishes a dead letter again on a context’s or an agency’s subject, and nothing else', async () => {
      const replays = await as('console');
      const before = await lastSeq('CATALOGUE');
      const ack = await replays.js.publish('lgsp.catalogue.entry.amended', '{}');
      assert.equal(ack.stream, 'CATALOGUE');
      assert.equal(await lastSeq('CATALOGUE'), before + 1);
      // Not the trail, not an access event, not the JetStream API.
      await assert.rejects(replays.js.publish('lgsp.audit.access.catalogue', '{}'), PERMISSION);
      await assert.rejects(replays.js.publish('lgsp.audit.checkpoint.signed', '{}'), PERMISSION);
      await assert.rejects(replays.jsm.streams.info('DLQ'), PERMISSION);
      await assert.rejects(replays.jsm.streams.delete('AUDIT'), PERMISSION);
    });

    it('is not a right of the audit service’s own user', async () => {
      const audit = await as('audit');
      await assert.rejects(audit.js.publish('lgsp.catalogue.entry.amended', '{}'), PERMISSION);
    });
  });

  describe('a service', () => {
    it('ensures the topology, every stream bounded in consumers', async () => {
      const catalogue = await as('catalogue');
      await ensureStreams(catalogue.jsm);
      for (const name of Object.keys(STREAMS) as StreamName[])
        assert.equal((await fixtures.jsm.streams.info(name)).config.max_consumers, MAX_CONSUMERS[name]);
    });

    it('publishes its own facts; sharing forging a catalogue fact is refused', async () => {
      const catalogue = await as('catalogue');
      const before = await lastSeq('CATALOGUE');
      const ack = await catalogue.js.publish('lgsp.catalogue.entry.amended', '{}');
      assert.equal(ack.stream, 'CATALOGUE');
      const sharing = await as('sharing');
      await assert.rejects(
        sharing.js.publish('lgsp.catalogue.entry.amended', '{"ownerAgency":"X"}'),
        PERMISSION,
      );
      assert.equal(await lastSeq('CATALOGUE'), before + 1);
    });

    it('reports access events on its own subject only: one in another service’s name is refused', async () => {
      const before = await lastSeq('AUDIT');
      for (const service of SERVICES) {
        const own = await as(service);
        const publisher = new EventPublisher(own.js, service);
        const access = createEvent(
          'vn.openlgsp.audit.access.recorded.v1',
          {
            service,
            method: 'POST',
            route: '/x',
            status: 201,
            caller: { anonymous: true },
            at: new Date().toISOString(),
          },
          { source: `/openlgsp/${service}` },
        );
        const ack = await publisher.publish(access);
        assert.equal(ack.stream, 'AUDIT');
        const last = await fixtures.jsm.streams.getMessage('AUDIT', { seq: ack.seq });
        assert.equal(last?.subject, `lgsp.audit.access.${service}`);
        for (const other of SERVICES.filter((s) => s !== service))
          await assert.rejects(
            own.js.publish(`lgsp.audit.access.${other}`, '{}'),
            PERMISSION,
            `${service} as ${other}`,
          );
      }
      assert.equal(await lastSeq('AUDIT'), before + SERVICES.length);
    });

    it('cannot delete or purge a stream, nor read a stream it does not follow', async () => {
      const incidents = await as('incidents');
      await assert.rejects(incidents.jsm.streams.delete('AUDIT'), PERMISSION);
      await assert.rejects(incidents.jsm.streams.purge('CATALOGUE'), PERMISSION);
      await assert.rejects(incidents.jsm.streams.deleteMessage('INCIDENTS', 1), PERMISSION);
      await assert.rejects(
        incidents.jsm.consumers.add('SHARING', {
          durable_name: 'incidents-snoop',
          ack_policy: AckPolicy.Explicit,
        }),
        PERMISSION,
      );
      // …while its own stream is open to it.
      const c = await incidents.jsm.consumers.add('INCIDENTS', {
        durable_name: 'incidents-check',
        ack_policy: AckPolicy.Explicit,
      });
      assert.equal(c.name, 'incidents-check');
    });

    it('cannot listen on another service’s inbox', async () => {
      const sharing = await as('sharing');
      const sub = sharing.nc.subscribe('_INBOX_catalogue.>');
      const closed = await sub.closed;
      assert.match(String(closed), PERMISSION);
    });
  });

  describe('an agency', () => {
    it('publishes below its own intake subject and hears the JetStream acknowledgement', async () => {
      const stnmt = await as('agency-STNMT');
      const ack = await stnmt.js.publish('lgsp.intake.STNMT.catalogue.service.changed', '{}');
      assert.equal(ack.stream, 'INTAKE');
      const stored = await fixtures.jsm.streams.getMessage('INTAKE', { seq: ack.seq });
      assert.equal(stored?.subject, 'lgsp.intake.STNMT.catalogue.service.changed');
    });

    it('cannot publish as another agency, nor on a domain or audit subject', async () => {
      const stnmt = await as('agency-STNMT');
      const intake = await lastSeq('INTAKE');
      for (const subject of [
        'lgsp.intake.SYT.catalogue.service.changed',
        'lgsp.catalogue.entry.amended',
        'lgsp.audit.access.catalogue',
        'lgsp.rejected.SYT',
      ])
        await assert.rejects(stnmt.js.publish(subject, '{}'), PERMISSION, subject);
      assert.equal(await lastSeq('INTAKE'), intake);
    });

    it('reads its own rejections, not another agency’s', async () => {
      const stnmt = await as('agency-STNMT');
      const own = stnmt.nc.subscribe('lgsp.rejected.STNMT', { max: 1 });
      await stnmt.nc.flush();
      await fixtures.js.publish('lgsp.rejected.STNMT', 'why');
      for await (const m of own) assert.equal(m.string(), 'why');

      const other = stnmt.nc.subscribe('lgsp.rejected.SYT');
      assert.match(String(await other.closed), PERMISSION);
    });

    it('cannot send the acknowledgement of its publish onto another stream (the reply-subject side door)', async () => {
      const stnmt = await as('agency-STNMT');
      const targets: [StreamName, string][] = [
        ['AUDIT', 'lgsp.audit.access.catalogue'],
        ['CATALOGUE', 'lgsp.catalogue.entry.amended'],
        ['REJECTED', 'lgsp.rejected.SYT'],
      ];
      const before = await Promise.all(targets.map(([stream]) => lastSeq(stream)));
      const intake = await lastSeq('INTAKE');
      for (const [, reply] of targets)
        stnmt.nc.publish('lgsp.intake.STNMT.catalogue.service.changed', '{}', { reply });
      // The publishes were stored, so their acknowledgements have been sent; then this one's arrives.
      const marker = await stnmt.js.publish('lgsp.intake.STNMT.catalogue.service.changed', '{}');
      assert.equal(marker.seq, intake + targets.length + 1);
      assert.deepEqual(await Promise.all(targets.map(([stream]) => lastSeq(stream))), before);
    });

    it('cannot make JetStream drop another agency’s event by sending its id first: intake sets no Nats-Msg-Id', async () => {
      const syt = await as('agency-SYT');
      const stnmt = await as('agency-STNMT');
      const event = createEvent('vn.openlgsp.catalogue.service.changed.v1', example('service.changed'), {
        source: '/agencies/STNMT/land-system',
      });
      const subject = 'lgsp.intake.STNMT.catalogue.service.changed';
      // SYT takes STNMT's event id first, on its own subject, under every id STNMT might use.
      const forged = new Set([event.id, `STNMT:${event.id}`]);
      for (const msgID of [...forged, msgIdFor(subject, event.id)].filter((id) => id !== undefined))
        await syt.js.publish('lgsp.intake.SYT.catalogue.service.changed', '{}', { msgID });
      // Why: JetStream remembers ids per stream, so an id STNMT chose is dropped as SYT's duplicate.
      const spoofed = await stnmt.js.publish(subject, '{}', { msgID: `STNMT:${event.id}` });
      assert.equal(spoofed.duplicate, true, 'JetStream took the other agency’s message for this one');

      // As the platform and README publish intake (no Nats-Msg-Id), the event is stored.
      const { headers, body } = toNatsMessage(event);
      headers.delete('Nats-Msg-Id');
      const ack = await stnmt.js.publish(subject, body, { headers });
      assert.equal(ack.duplicate, false);
      const stored = await fixtures.jsm.streams.getMessage('INTAKE', { seq: ack.seq });
      assert.equal(stored?.subject, subject);
      assert.equal(stored?.header?.get('ce-id'), event.id);
      // The services publish HTTP intake the same way.
      assert.equal(msgIdFor(subject, event.id), undefined);
      // And an id set anyway is remembered only as briefly as the server allows.
      const intake = await fixtures.jsm.streams.info('INTAKE');
      assert.equal(intake.config.duplicate_window, MIN_DUPLICATE_WINDOW_NS);
    });

    it('sees no stream of the platform', async () => {
      const stnmt = await as('agency-STNMT');
      await assert.rejects(stnmt.jsm.streams.info('INTAKE'));
    });
  });

  describe('the public (external apps)', () => {
    let positions: number[] = [];

    before(async () => {
      positions = [];
      for (let i = 0; i < 3; i++)
        positions.push((await fixtures.js.publish('lgsp.opendata.dataset.updated', `change ${i}`)).seq);
    });

    it('replays the open-data feed from a position, in order, with the platform’s positions', async () => {
      const pub = await as('public');
      const consumer = await pub.js.consumers.get('OPENDATA', {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: positions[1]!,
      });
      const got: { seq: number; body: string }[] = [];
      for await (const m of await consumer.fetch({ max_messages: 2, expires: 10_000 })) {
        got.push({ seq: m.seq, body: m.string() });
        if (got.length === 2) break;
      }
      assert.deepEqual(got, [
        { seq: positions[1], body: 'change 1' },
        { seq: positions[2], body: 'change 2' },
      ]);
    });

    it('creates and deletes its own durable pull consumer', async () => {
      const pub = await as('public');
      const info = await pub.jsm.consumers.add('OPENDATA', {
        durable_name: 'my-app',
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      assert.equal(info.name, 'my-app');
      const m = await (await pub.js.consumers.get('OPENDATA', 'my-app')).next({ expires: 10_000 });
      assert.ok(m);
      m.ack();
      assert.equal(await pub.jsm.consumers.delete('OPENDATA', 'my-app'), true);
    });

    it('cannot publish anywhere, not even on the feed', async () => {
      const pub = await as('public');
      const feed = await lastSeq('OPENDATA');
      for (const subject of [
        'lgsp.opendata.dataset.published',
        'lgsp.intake.STNMT.catalogue.service.changed',
      ])
        await assert.rejects(pub.js.publish(subject, '{}'), PERMISSION, subject);
      assert.equal(await lastSeq('OPENDATA'), feed);
    });

    it('cannot read another stream, create a stream, or delete or purge the feed', async () => {
      const pub = await as('public');
      await assert.rejects(pub.jsm.streams.info('CATALOGUE'), PERMISSION);
      await assert.rejects(
        pub.jsm.consumers.add('CATALOGUE', { durable_name: 'snoop', ack_policy: AckPolicy.None }),
        PERMISSION,
      );
      await assert.rejects(pub.jsm.streams.add({ name: 'MINE', subjects: ['mine.>'] }), PERMISSION);
      await assert.rejects(pub.jsm.streams.delete('OPENDATA'), PERMISSION);
      await assert.rejects(pub.jsm.streams.purge('OPENDATA'), PERMISSION);
      await assert.rejects(pub.jsm.streams.deleteMessage('OPENDATA', 1), PERMISSION);
      assert.match(String(await pub.nc.subscribe('lgsp.catalogue.>').closed), PERMISSION);
    });

    it('cannot push the feed into the platform: a deliver subject stays in its own account', async () => {
      const pub = await as('public');
      const audit = await lastSeq('AUDIT');
      const count = (await pub.jsm.streams.info('OPENDATA')).state.messages;
      // Someone in PUBLIC listening on that subject (its operator: public itself may not), so the push flows.
      const listener = (await as('feed-admin')).nc.subscribe('lgsp.audit.access.catalogue', { max: count });
      await pub.jsm.consumers.add('OPENDATA', {
        durable_name: 'push-to-audit',
        deliver_subject: 'lgsp.audit.access.catalogue',
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
      });
      let pushed = 0;
      // (A pushed message shows its original subject; it travels on the deliver subject.)
      for await (const m of listener) if (m.subject.startsWith('lgsp.opendata.')) pushed++;
      assert.equal(pushed, count, 'the whole feed was pushed, inside PUBLIC');
      assert.equal(await lastSeq('AUDIT'), audit, 'and none of it reached the platform’s AUDIT stream');
    });
  });

  describe('an external app with its own user', () => {
    it('reads the feed through its own durable consumer, named as the app', async () => {
      const atlas = await as('app-atlas');
      await atlas.jsm.consumers.add('OPENDATA', {
        durable_name: 'atlas',
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      const m = await (await atlas.js.consumers.get('OPENDATA', 'atlas')).next({ expires: 10_000 });
      assert.equal(m?.seq, 1);
      m?.ack();
    });

    it('cannot create, read from or delete another app’s consumer, nor publish', async () => {
      const borealis = await as('app-borealis');
      await borealis.jsm.consumers.add('OPENDATA', {
        durable_name: 'borealis',
        ack_policy: AckPolicy.Explicit,
      });
      const atlas = await as('app-atlas');
      await assert.rejects(
        atlas.jsm.consumers.add('OPENDATA', { durable_name: 'borealis-too', ack_policy: AckPolicy.None }),
        PERMISSION,
      );
      await assert.rejects(atlas.jsm.consumers.info('OPENDATA', 'borealis'), PERMISSION);
      await assert.rejects(atlas.jsm.consumers.delete('OPENDATA', 'borealis'), PERMISSION);
      await assert.rejects(atlas.js.publish('lgsp.opendata.dataset.published', '{}'), PERMISSION);
      assert.equal((await borealis.jsm.consumers.info('OPENDATA', 'borealis')).name, 'borealis');
    });
  });
});
