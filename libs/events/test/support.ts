import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startEngines } from '@openlgsp/testing';
import type { ProcessedEvents } from '../src/consumer.js';
import { ensureStreams } from '../src/topology.js';

/** The data of a catalogue contract example, e.g. `example('entry.withdrawn')`. */
export function example(name: string): Record<string, unknown> {
  const file = new URL(`../../../../contracts/examples/catalogue/${name}.v1.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { data: Record<string, unknown> }).data;
}

/** Waits (bounded) until a consumer has taken every message and holds none unacknowledged. */
export async function settled(
  jsm: JetStreamManager,
  consumer: { stream: string; durable: string },
  waitMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  let state = '';
  while (Date.now() < deadline) {
    const info = await jsm.consumers.info(consumer.stream, consumer.durable);
    if (info.num_pending === 0 && info.num_ack_pending === 0) return;
    state = `pending ${info.num_pending}, awaiting ack ${info.num_ack_pending}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`expected ${consumer.durable} to settle within ${waitMs} ms; still ${state}`);
}

/** A nats-server of the suite's own (no store) with the platform's streams, and the test's client of it. */
export interface StreamsOnNats {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Closes the client, then stops the server. */
  stop(): Promise<void>;
}

export async function startStreams(): Promise<StreamsOnNats> {
  const engines = await startEngines({ mongo: false });
  const nc = await connect({ servers: engines.natsUrl });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  return {
    js: jetstream(nc),
    jsm,
    async stop() {
      await nc.close();
      await engines.stop();
    },
  };
}

/** Processed-event ids kept in memory (their MongoDB-wire store is tested in persistence). */
export function processedInMemory(): ProcessedEvents {
  const applied = new Set<string>();
  return {
    has: async (consumer, id) => applied.has(`${consumer}:${id}`),
    add: async (consumer, id) => void applied.add(`${consumer}:${id}`),
  };
}
