// The property every mutating endpoint keeps, for each service's suite: bodies generated from its
// command schema that the endpoint accepts cause events that keep their contracts, with text in NFC;
// text those events would refuse (blank, too long) is refused at the door.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commandContracts, validateEnvelope, validateEventData, type CommandName } from '@openlgsp/contracts';
import { commandBodies, isNfc, replaceAt, textFields, type Overrides } from './command-arbitrary.js';
import type { HttpAnswer, ServiceUnderTest, StreamWatch } from './service.js';

/** What one call needs: its path, the subject (resource id) of the events it causes, ids the body must carry. */
export interface CommandTarget {
  path: string;
  subject?: string;
  /** Top-level body fields set for this call (ids of the state made for it). */
  patch?: Record<string, unknown>;
}

/** One mutating endpoint: its command, who calls it, and how to make the state one call needs. */
export interface CommandEndpoint {
  command: CommandName;
  method: 'POST' | 'PUT' | 'PATCH';
  token: () => string;
  /** Makes what this call needs (afresh for each call when a call uses it up). */
  target: () => Promise<CommandTarget>;
  /** Where the resource id is in a 2xx answer, when it is not in the path. */
  subjectFrom?: (answer: Record<string, string>) => string;
  overrides?: () => Overrides;
  /** Fits a generated body to rules the schema cannot state (e.g. content only when amending). */
  fit?: (body: Record<string, unknown>) => Record<string, unknown>;
}

export interface CommandPropertyOptions {
  sut: () => ServiceUnderTest;
  /** The service's own stream, watched from before the first call. */
  watch: () => StreamWatch;
  endpoints: CommandEndpoint[];
  runs?: number;
}

async function call(sut: ServiceUnderTest, endpoint: CommandEndpoint, target: CommandTarget, body: unknown) {
  const payload = { ...(body as object), ...target.patch };
  return sut.request(endpoint.method, target.path, { token: endpoint.token(), body: payload });
}

/** Calls the endpoint; for a 2xx, waits for the events it causes and checks them against their contracts. */
async function exercise(
  options: CommandPropertyOptions,
  endpoint: CommandEndpoint,
  body: Record<string, unknown>,
) {
  const watch = options.watch();
  const target = await endpoint.target();
  const from = watch.events.length;
  const answer: HttpAnswer = await call(options.sut(), endpoint, target, body);
  assert.ok(
    answer.status < 500,
    `${endpoint.command} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
  );
  if (answer.status >= 300) return answer;
  const subject = target.subject ?? endpoint.subjectFrom!(answer.body as Record<string, string>);
  const emits: readonly string[] = commandContracts[endpoint.command].emits;
  // An accepted command whose event broke its contract is never published: this wait fails.
  await watch
    .next((e) => e.subject === subject && emits.includes(e.type), from, 10_000)
    .catch((err: Error) => {
      throw new Error(
        `${endpoint.command} answered ${answer.status} but none of its events (${emits.join(', ')}) about ` +
          `${subject} was published; did one break its contract?\n${err.message}`,
      );
    });
  for (const event of watch.events.slice(from).filter((e) => e.subject === subject)) {
    const { data, natsSubject: _natsSubject, ...attributes } = event;
    assert.deepEqual(validateEnvelope(attributes), { ok: true }, `${event.type}: envelope`);
    assert.deepEqual(
      validateEventData(event.type, data),
      { ok: true },
      `${event.type}: ${JSON.stringify(data)}`,
    );
    assert.ok(isNfc(data), `${event.type} carries text that is not NFC: ${JSON.stringify(data)}`);
  }
  return answer;
}

/** Registers, for every endpoint, the property over generated bodies and the refusal of bad text. */
export function describeCommandProperties(options: CommandPropertyOptions): void {
  const runs = options.runs ?? 15;
  describe('every command, with bodies generated from its contract', () => {
    for (const endpoint of options.endpoints) {
      it(`${endpoint.command}: what it accepts makes events that keep their contracts, in NFC`, async () => {
        let accepted = 0;
        await fc.assert(
          fc.asyncProperty(commandBodies(endpoint.command, endpoint.overrides?.()), async (generated) => {
            const body = endpoint.fit ? endpoint.fit(generated) : generated;
            if ((await exercise(options, endpoint, body)).status < 300) accepted++;
          }),
          // No shrinking: each failing try waits out the bound on the event, and the first
          // counterexample already names the endpoint and the body.
          { numRuns: runs, endOnFailure: true },
        );
        // Bodies that satisfy the schema mostly satisfy the rules too: the property is not vacuous.
        assert.ok(accepted > 0, `${endpoint.command}: no generated body was accepted`);
      });
    }
  });

  describe('text the events would refuse is refused at the door', () => {
    for (const endpoint of options.endpoints.filter((e) => textFields(e.command).length > 0)) {
      it(`${endpoint.command}: blank or too long text answers 400 at its pointer, and changes nothing`, async () => {
        const fields = textFields(endpoint.command);
        await fc.assert(
          fc.asyncProperty(
            commandBodies(endpoint.command, endpoint.overrides?.()),
            fc.constantFrom(...fields),
            fc.constantFrom('blank', 'too long'),
            fc.constantFrom(' ', '   ', '\t\n', '\u00a0'),
            async (generated, field, how, blank) => {
              const body = endpoint.fit ? endpoint.fit(generated) : generated;
              // Decomposed, so only its NFC length (what the contract counts) is over the limit... by one.
              const bad = how === 'blank' ? blank : 'đ'.normalize('NFD').repeat(field.maxLength + 1);
              const replaced = replaceAt(body, field.path, bad);
              fc.pre(replaced !== undefined);
              const target = await endpoint.target();
              const from = options.watch().events.length;
              const answer = await call(options.sut(), endpoint, target, replaced!.body);
              assert.equal(answer.status, 400, `${how} ${field.path}: ${JSON.stringify(answer.body)}`);
              const problem = answer.body as { code: string; errors: { path: string }[] };
              assert.equal(problem.code, 'invalid-request');
              assert.ok(
                problem.errors.some((e) => e.path === replaced!.pointer),
                `expected an error at ${replaced!.pointer}, got ${JSON.stringify(problem.errors)}`,
              );
              const emits: readonly string[] = commandContracts[endpoint.command].emits;
              const caused = options
                .watch()
                .events.slice(from)
                .filter((e) => emits.includes(e.type) && (!target.subject || e.subject === target.subject));
              assert.deepEqual(caused, [], 'a refused body caused an event');
            },
          ),
          { numRuns: 10, endOnFailure: true },
        );
      });
    }
  });
}
