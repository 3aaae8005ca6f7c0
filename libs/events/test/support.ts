import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JetStreamManager } from '@nats-io/jetstream';

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
