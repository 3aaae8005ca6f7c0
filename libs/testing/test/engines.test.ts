import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mongoose, { Schema, type Connection } from 'mongoose';
import { freePort, startEngines, type Engines } from '../src/index.js';

const portOf = (url: string): number => Number(/:(\d+)(?:\/|$)/.exec(url)?.[1]);

/** Resolves true if something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const Item = new Schema({ name: { type: String, required: true }, qty: Number });

describe('engines', () => {
  let engines: Engines;
  let db: Connection;

  before(async () => {
    engines = await startEngines();
    db = await mongoose
      .createConnection(engines.mongoUrl, {
        bufferCommands: false,
        serverSelectionTimeoutMS: 1_000,
        heartbeatFrequencyMS: 500,
      })
      .asPromise();
  });

  after(async () => {
    await db?.close();
    await engines?.stop();
  });

  test('freePort gives a bindable port that is not 4222', async () => {
    const port = await freePort();
    assert.ok(port > 1024 && port !== 4222);
    assert.equal(await listening(port), false);
  });

  test('urls point at 127.0.0.1 free ports with a unique database', () => {
    assert.match(engines.natsUrl, /^nats:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(portOf(engines.natsUrl), 4222);
    if (engines.mongo.engine !== 'external')
      assert.match(engines.mongoUrl, /^mongodb:\/\/127\.0\.0\.1:\d+\/lgsp_\d+_[0-9a-f]{8}$/);
    assert.equal(engines.nats.running, true);
    assert.equal(engines.mongo.running, true);
  });

  test('mongoose writes and reads', async () => {
    const items = db.model('Item', Item);
    await items.create({ name: 'first', qty: 1 });
    const found = await items.findOne({ name: 'first' }).lean();
    assert.equal(found?.qty, 1);
  });

  test('JetStream: add a stream, publish, read back', async () => {
    const nc = await connect({ servers: engines.natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      const js = jetstream(nc);
      const ack = await js.publish('orders.1', JSON.stringify({ id: 1 }));
      assert.equal(ack.stream, 'ORDERS');
      assert.equal(ack.seq, 1);

      await jsm.consumers.add('ORDERS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
      const consumer = await js.consumers.get('ORDERS', 'reader');
      const msg = await consumer.next({ expires: 5_000 });
      assert.ok(msg);
      assert.equal(msg.subject, 'orders.1');
      assert.deepEqual(msg.json(), { id: 1 });
      msg.ack();
    } finally {
      await nc.close();
    }
  });

  test('mongo briefly down: operations fail, then the data is still there', async (t) => {
    if (engines.mongo.engine === 'external') return t.skip('MONGO_URL server is not ours to stop');
    const items = db.model('Item', Item);
    await items.create({ name: 'kept', qty: 7 });

    await engines.mongo.stop();
    assert.equal(engines.mongo.running, false);
    await assert.rejects(items.findOne({ name: 'kept' }).lean());
    await assert.rejects(items.create({ name: 'lost', qty: 0 }));

    await engines.mongo.start();
    assert.equal(engines.mongo.running, true);
    // the same connection recovers
    const kept = await items.findOne({ name: 'kept' }).lean();
    assert.equal(kept?.qty, 7);
    assert.equal(await items.countDocuments({ name: 'lost' }), 0);
  });

  test('pause(): the store holds its connections and answers nothing until resume()', async (t) => {
    if (engines.mongo.engine === 'external') return t.skip('MONGO_URL server is not ours to pause');
    const items = db.model('Item', Item);
    await items.create({ name: 'paused', qty: 3 });
    const pid = engines.mongo.pid;
    assert.ok(pid && pid > 0, 'a running engine has a process id');

    await engines.mongo.pause();
    let answer: Promise<{ qty?: number | null } | null> | undefined;
    try {
      assert.equal(engines.mongo.running, true, 'frozen, not gone');
      // A frozen server cannot answer: whenever the race is decided, the answer has not come.
      answer = items.findOne({ name: 'paused' }).lean().exec();
      const first = await Promise.race([answer.then(() => 'answered'), sleep(500).then(() => 'waiting')]);
      assert.equal(first, 'waiting');
    } finally {
      // A failure here must not leave the store frozen for the tests after it.
      await engines.mongo.resume();
    }

    assert.equal((await answer)?.qty, 3, 'answered once resumed');
    assert.equal(engines.mongo.pid, pid, 'the same process');
  });

  test('kill -9 of both engines: nothing answers, then start() brings the same data back', async (t) => {
    if (engines.mongo.engine === 'external') return t.skip('MONGO_URL server is not ours to kill');
    const items = db.model('Item', Item);
    await items.create({ name: 'crash-kept', qty: 9 });
    const nc = await connect({ servers: engines.natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'CRASH', subjects: ['crash.>'] });
      await jetstream(nc).publish('crash.1', 'kept');
    } finally {
      await nc.close();
    }

    await Promise.all([engines.mongo.kill(), engines.nats.kill()]);
    assert.equal(engines.mongo.running, false);
    assert.equal(engines.nats.running, false);
    assert.equal(await listening(portOf(engines.mongoUrl)), false);
    assert.equal(await listening(portOf(engines.natsUrl)), false);

    await Promise.all([engines.mongo.start(), engines.nats.start()]);
    assert.equal((await items.findOne({ name: 'crash-kept' }).lean())?.qty, 9);
    const again = await connect({ servers: engines.natsUrl });
    try {
      const info = await (await jetstreamManager(again)).streams.info('CRASH');
      assert.equal(info.state.messages, 1);
    } finally {
      await again.close();
    }
  });

  test('broker restart: the stream survives and a reconnecting client carries on', async () => {
    const nc = await connect({ servers: engines.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
      await jetstream(nc).publish('events.a', 'one');

      await engines.nats.stop();
      assert.equal(engines.nats.running, false);
      await engines.nats.start();

      const js = jetstream(nc);
      let ack;
      for (let i = 0; !ack; i++) {
        try {
          ack = await js.publish('events.b', 'two', { timeout: 1_000 });
        } catch (error) {
          if (i > 20) throw error; // the client may not have reconnected yet
        }
      }
      assert.equal(ack.seq, 2);
      const info = await jsm.streams.info('EVENTS');
      assert.equal(info.state.messages, 2);
      assert.equal((await jsm.streams.getMessage('EVENTS', { seq: 1 }))?.string(), 'one');
    } finally {
      await nc.close();
    }
  });

  test('stop() frees the ports and removes the directories', async () => {
    const other = await startEngines();
    const ports = [portOf(other.natsUrl), portOf(other.mongoUrl)];
    const dirs = [other.nats.dir, other.mongo.dir].filter((d): d is string => d !== undefined);
    for (const port of ports) assert.equal(await listening(port), true);
    for (const dir of dirs) assert.equal(existsSync(dir), true);

    await other.stop();
    await other.stop(); // idempotent

    for (const port of ports) {
      if (port === portOf(other.mongoUrl) && other.mongo.engine === 'external') continue;
      assert.equal(await listening(port), false, `port ${port} still open`);
    }
    for (const dir of dirs) {
      assert.equal(existsSync(dir), false, `${dir} still there`);
      assert.equal(existsSync(dirname(dir)), false, `${dirname(dir)} still there`);
    }
    assert.equal(other.nats.running, false);
  });

  test('startEngines({ mongo: false }) starts NATS only', async () => {
    const only = await startEngines({ mongo: false });
    try {
      assert.equal(only.nats.running, true);
      assert.throws(() => only.mongoUrl, /mongo was not started/);
    } finally {
      await only.stop();
    }
  });
});
