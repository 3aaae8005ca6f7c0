import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';

/**
 * Reads a stream from its start with an ephemeral ordered consumer and returns the first message
 * matching `where`, waiting for it up to `waitMs` (a bound on a wait, not a timing assertion); fails
 * with what it saw instead.
 */
export async function findMessage(
  js: JetStreamClient,
  stream: string,
  where: (m: JsMsg) => boolean,
  waitMs = 15_000,
  describe: (m: JsMsg) => string = (m) => m.subject,
): Promise<JsMsg> {
  const seen: string[] = [];
  const deadline = Date.now() + waitMs;
  const consumer = await js.consumers.get(stream);
  try {
    while (Date.now() < deadline) {
      const m = await consumer.next({ expires: 1_000 });
      if (!m) continue;
      seen.push(describe(m));
      if (where(m)) return m;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  throw new Error(
    `no matching message on ${stream} within ${waitMs} ms; saw:\n  ${seen.join('\n  ') || '(nothing)'}`,
  );
}

/** Every message now in a stream, oldest first (to count what was published). */
export async function readMessages(js: JetStreamClient, stream: string): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream);
  const out: JsMsg[] = [];
  try {
    for (;;) {
      const m = await consumer.next({ expires: 1_000 });
      if (!m) break;
      out.push(m);
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return out;
}
