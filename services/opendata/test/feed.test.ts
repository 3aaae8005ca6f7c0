import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EventSource } from 'eventsource';
import { ensureStreams, EventPublisher, toNatsMessage } from '@openlgsp/events';
import { startEngines, type Engines } from '@openlgsp/testing';
import { ANY_CHANGE, FEED_EVENT_TYPES, type ResumePoint } from '../src/feed/feed.model.js';
import { FeedFanout, type FeedClient, type FeedWriter } from '../src/feed/fanout.js';
import { datasetChange } from '../src/feed/feed.fixtures.js';
import { parseFeedFilter, parseFeedRequest } from '../src/feed/position.rules.js';
import { SSE_HEADERS } from '../src/feed/sse.js';
import { recentFeedItems } from '../src/feed/recent.js';

/** The SSE fan-out against a real nats-server: one subscription, many clients, replay and resume. */

class RecordingWriter implements FeedWriter {
  chunks: string[] = [];
  ended = false;
  /** Chunks taken before write() asks to wait for 'drain' (a slow socket). */
  capacity = Infinity;
  private closeListeners: (() => void)[] = [];
  private drainListeners: (() => void)[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return this.chunks.length < this.capacity;
  }
  on(event: 'drain' | 'close', listener: () => void) {
    if (event === 'close') this.closeListeners.push(listener);
    else this.drainListeners.push(listener);
    return this;
  }
  /** The socket took what it had; `more` chunks fit before the next wait. */
  drain(more: number): void {
    this.capacity = this.chunks.length + more;
    for (const l of this.drainListeners) l();
  }
  end(): void {
    this.ended = true;
    for (const l of this.closeListeners) l();
  }
  positions(): number[] {
    return this.chunks.flatMap((c) => {
      const id = /^id: (\d+)\nevent: vn\./.exec(c);
      return id ? [Number(id[1])] : [];
    });
  }
}

/** Waits for a condition (a bound on a wait, not a timing assertion) and says what it saw instead. */
async function until(what: string, condition: () => boolean, seen: () => unknown, waitMs = 15_000) {
  const deadline = Date.now() + waitMs;
  while (!condition()) {
    if (Date.now() > deadline)
      assert.fail(`${what} did not happen within ${waitMs} ms; saw ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the change feed fan-out', () => {
  let engines: Engines;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let publisher: EventPublisher;
  let fanout: FeedFanout;

  async function publish(count: number, facts: Parameters<typeof datasetChange>[1] = {}): Promise<number[]> {
    const positions: number[] = [];
    for (let i = 0; i < count; i++)
      positions.push((await publisher.publish(datasetChange('updated', facts))).seq);
    return positions;
  }

  async function lastPosition(): Promise<number> {
    return (await (await jetstreamManager(nc)).streams.info('OPENDATA')).state.last_seq;
  }

  async function client(resume: ResumePoint, filter = ANY_CHANGE): Promise<[FeedClient, RecordingWriter]> {
    const writer = new RecordingWriter();
    return [await fanout.connect(writer, { filter, resume }), writer];
  }

  before(async () => {
    engines = await startEngines({ mongo: false });
    nc = await connect({ servers: engines.natsUrl });
    js = jetstream(nc);
    await ensureStreams(await jetstreamManager(nc));
    publisher = new EventPublisher(js, 'opendata');
    fanout = new FeedFanout(js, { heartbeatMs: 200, maxQueuedItems: 8 });
    await fanout.start();
  });

  after(async () => {
    await fanout?.close();
    await nc?.drain();
    await engines?.stop();
  });

  it('serves many live clients from one subscription, each only what its filter asks, in order', async () => {
    const [all, allWriter] = await client({ kind: 'live' });
    const filter = parseFeedFilter({ publisher: 'STTTT' });
    assert.ok(filter.ok);
    const [, sttttWriter] = await client({ kind: 'live' }, filter.value);
    const sgddt = await publish(3, { ownerAgency: 'SGDDT' });
    const stttt = await publish(2, { ownerAgency: 'STTTT' });
    await until(
      'every change reaching the unfiltered client',
      () => all.position >= stttt.at(-1)!,
      () => allWriter.positions(),
    );
    await until(
      'the STTTT changes reaching the filtered client',
      () => sttttWriter.positions().length >= 2,
      () => sttttWriter.positions(),
    );
    assert.deepEqual(allWriter.positions(), [...sgddt, ...stttt]);
    assert.deepEqual(sttttWriter.positions(), stttt);
    assert.equal(allWriter.chunks[0], 'retry: 3000\n\n');
    await until(
      'a heartbeat',
      () => allWriter.chunks.includes(': heartbeat\n\n'),
      () => allWriter.chunks.length,
    );
  });

  it('serves a hundred clients from one JetStream consumer', async () => {
    const alreadyConnected = fanout.clientCount;
    const clients = await Promise.all(Array.from({ length: 100 }, () => client({ kind: 'live' })));
    assert.equal(fanout.clientCount, alreadyConnected + 100);
    const published = await publish(3);
    await until(
      'every client served',
      () => clients.every(([c]) => c.position >= published.at(-1)!),
      () => clients.map(([c]) => c.position),
    );
    for (const [, writer] of clients) assert.deepEqual(writer.positions(), published);
    const jsm = await jetstreamManager(nc);
    const consumers = async () => (await jsm.consumers.list('OPENDATA').next()).length;
    let count = await consumers();
    const deadline = Date.now() + 10_000;
    // Earlier tests' replay consumers may still be being deleted.
    while (count !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      count = await consumers();
    }
    assert.equal(count, 1, 'one consumer for the instance, none per client');
    for (const [c] of clients) c.close('shutdown');
    assert.equal(fanout.clientCount, alreadyConnected);
  });

  it('replays an older position and joins the live tail without a gap or a duplicate', async () => {
    const before = await lastPosition();
    const backlog = await publish(30);
    // Publishing goes on while the client replays its backlog.
    const [resumed, writer] = await client({ kind: 'after', position: before });
    const during = await publish(20);
    await until(
      'the backlog and the live changes',
      () => resumed.position >= during.at(-1)!,
      () => writer.positions(),
    );
    assert.deepEqual(writer.positions(), [...backlog, ...during]);
    assert.equal(resumed.closedBecause, undefined);
  });

  it('paces a replay by a slow client and still hands over to the live tail without loss', async () => {
    const start = await lastPosition();
    const backlog = await publish(20);
    const writer = new RecordingWriter();
    writer.capacity = 3; // the socket fills after three chunks
    const resumed = await fanout.connect(writer, {
      filter: ANY_CHANGE,
      resume: { kind: 'after', position: start },
    });
    // More live changes than the client's bound (8) arrive while its replay is stuck.
    const during = await publish(20);
    while (resumed.position < during.at(-1)!) {
      await until(
        'the client to wait for its socket',
        () => writer.chunks.length >= writer.capacity,
        () => writer.positions(),
      );
      writer.drain(3);
    }
    assert.deepEqual(writer.positions(), [...backlog, ...during]);
    assert.equal(resumed.closedBecause, undefined, 'a replaying client is paced, not disconnected');
    resumed.close('shutdown');
  });

  it('starts a client at a time: the first change at or after it', async () => {
    await publish(2);
    // JetStream starts at the time the stream stored a change (ns); keep clear of the ms rounding.
    await new Promise((r) => setTimeout(r, 5));
    const time = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const later = await publish(3);
    const [fromTime, writer] = await client({ kind: 'time', time });
    await until(
      'the changes since the time',
      () => fromTime.position >= later.at(-1)!,
      () => writer.positions(),
    );
    assert.deepEqual(writer.positions(), later);
  });

  it('leaves other events and non-CloudEvents of the stream off the feed, moving past them', async () => {
    const [c, writer] = await client({ kind: 'live' });
    // Put on the stream directly (the publisher would check them against a contract first).
    const feedback = toNatsMessage({
      ...datasetChange('updated'),
      type: 'vn.openlgsp.opendata.feedback.received.v1',
    });
    const other = await js.publish('lgsp.opendata.feedback.received', feedback.body, {
      headers: feedback.headers,
    });
    const junk = await js.publish('lgsp.opendata.junk', new TextEncoder().encode('not a cloudevent'));
    const [published] = await publish(1);
    await until(
      'the dataset change',
      () => c.position >= published!,
      () => writer.positions(),
    );
    assert.ok(other.seq < published! && junk.seq < published!);
    assert.deepEqual(writer.positions(), [published]);
    assert.ok(writer.chunks.every((chunk) => !chunk.includes('feedback')));
  });

  it('reads the newest changes back from the stream for the Atom feed', async () => {
    const published = await publish(4, { ownerAgency: 'STTTT' });
    const filter = parseFeedFilter({ publisher: 'STTTT' });
    assert.ok(filter.ok);
    const recent = await recentFeedItems(js, { limit: 3, filter: filter.value });
    assert.deepEqual(
      recent.map((i) => i.position),
      published.slice(1),
    );
    assert.ok(recent.every((i) => (i.event.data as { ownerAgency: string }).ownerAgency === 'STTTT'));
  });

  it('resumes an EventSource client over HTTP after the server closes it, with nothing missing', async () => {
    const connections: FeedClient[] = [];
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      const parsed = parseFeedRequest(
        Object.fromEntries(url.searchParams),
        req.headers['last-event-id'] as string | undefined,
      );
      if (!parsed.ok) {
        res
          .writeHead(400, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify(parsed.violations));
        return;
      }
      res.writeHead(200, SSE_HEADERS);
      fanout.connect(res, parsed.value).then(
        (c) => connections.push(c),
        () => res.end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const start = await lastPosition();
    const received: number[] = [];
    const disconnects: unknown[] = [];
    const source = new EventSource(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/opendata/feed?since=${start}`,
    );
    for (const type of FEED_EVENT_TYPES)
      source.addEventListener(type, (e) => received.push(Number(e.lastEventId)));
    source.addEventListener('disconnect', (e) => disconnects.push(JSON.parse(e.data)));
    try {
      const first = await publish(5);
      await until(
        'the first changes over SSE',
        () => received.length >= 5,
        () => received,
      );
      connections[0]!.close('shutdown');
      const second = await publish(5);
      await until(
        'the changes after the reconnect',
        () => received.length >= 10,
        () => received,
      );
      assert.deepEqual(received, [...first, ...second]);
      assert.deepEqual(disconnects, [{ reason: 'shutdown', lastPosition: first.at(-1) }]);
      assert.equal(connections.length, 2, 'EventSource reconnected once');
    } finally {
      source.close();
      for (const c of connections) c.close('shutdown');
      await new Promise((r) => server.close(r));
    }
  });
});
