import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emitterOf, flowQuery, inOrder, tracesOf, type FlowEvent } from './flow.rules.js';
import { waterfallOf } from './waterfall.rules.js';

const event = (seq: number, eventTime: string, traceId?: string): FlowEvent => ({
  seq,
  recordedAt: '2026-01-05T03:00:09.000Z',
  eventTime,
  stream: 'SHARING',
  ...(traceId ? { traceId } : {}),
});

describe('a flow across services', () => {
  it('reads a trace id, or an id of what the events are about, and refuses anything else', () => {
    assert.deepEqual(flowQuery(' 4BF92F3577B34DA6A3CE929D0E0E4736 '), {
      ok: true,
      value: { kind: 'trace', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
    });
    assert.deepEqual(flowQuery('0197a1b2-7c4d-7e8f-9a01-0000000000a1'), {
      ok: true,
      value: { kind: 'subject', id: '0197a1b2-7c4d-7e8f-9a01-0000000000a1' },
    });
    for (const bad of ['', '  ', '<script>', 'a'.repeat(201), { $ne: 1 }])
      assert.equal(flowQuery(bad).ok, false);
  });

  it('puts events in the order they happened, the trail breaking ties', () => {
    const ordered = inOrder([
      event(3, '2026-01-05T03:00:02Z'),
      event(9, '2026-01-05T03:00:01Z'),
      event(2, '2026-01-05T03:00:02Z'),
    ]);
    assert.deepEqual(
      ordered.map((e) => e.seq),
      [9, 2, 3],
    );
  });

  it('names who emitted each event, and lists the traces once each', () => {
    assert.equal(emitterOf('/openlgsp/sharing'), 'sharing');
    assert.equal(emitterOf('/agencies/SXD/land-system'), 'agency SXD');
    assert.deepEqual(
      tracesOf([event(1, 'x', 'a'), event(2, 'x', 'b'), event(3, 'x', 'a'), event(4, 'x', 'c')], 2),
      ['a', 'b'],
    );
  });

  it("places Jaeger's spans on the trace's time line, nested under their parents, orphans marked", () => {
    const waterfall = waterfallOf({
      data: [
        {
          traceID: 't1',
          processes: { p1: { serviceName: 'sharing' }, p2: { serviceName: 'audit' } },
          spans: [
            {
              spanID: 'b',
              operationName: 'publish lgsp.sharing.request.approved',
              startTime: 1_000_500,
              duration: 250,
              processID: 'p1',
              references: [{ refType: 'CHILD_OF', spanID: 'a' }],
            },
            {
              spanID: 'a',
              operationName: 'POST /sharing/requests/{id}/approval',
              startTime: 1_000_000,
              duration: 1_000,
              processID: 'p1',
              references: [],
            },
            {
              spanID: 'c',
              operationName: 'process lgsp.sharing.request.approved',
              startTime: 1_000_900,
              duration: 100,
              processID: 'p2',
              references: [{ refType: 'FOLLOWS_FROM', spanID: 'b' }],
            },
            {
              spanID: 'd',
              operationName: 'lost',
              startTime: 1_000_000,
              duration: 10,
              processID: 'p2',
              references: [{ refType: 'CHILD_OF', spanID: 'gone' }],
            },
          ],
        },
      ],
    });
    assert.ok(waterfall);
    assert.equal(waterfall.totalMs, 1);
    assert.deepEqual(waterfall.services, ['sharing', 'audit']);
    assert.deepEqual(
      waterfall.rows.map((r) => [r.spanId, r.depth, r.offsetPct, r.widthPct, r.orphan]),
      [
        ['a', 0, 0, 100, false],
        ['d', 0, 0, 1, true],
        ['b', 1, 50, 25, false],
        ['c', 2, 90, 10, false],
      ],
    );
  });

  it('has no waterfall when the backend does not hold the trace', () => {
    assert.equal(waterfallOf({ data: [] }), undefined);
    assert.equal(waterfallOf({ errors: [{ code: 404 }] }), undefined);
  });
});
