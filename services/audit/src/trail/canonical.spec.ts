import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jcs from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonOf, jcsOrder } from './canonical.js';
import { HASHED_FIELDS } from './entry.model.js';

// The reference: `canonicalize`, the JavaScript implementation by RFC 8785's authors.

/** Any text, lone surrogates, control characters and characters beyond the BMP included. */
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
/** What the trail holds: strings, safe integers, booleans, null, arrays and plain objects. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.maxSafeInteger(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(text, tie('value')),
  ),
}));

describe('canonical JSON is RFC 8785 (JCS) (README "How to verify the audit trail", step 1)', () => {
  it('equals the canonicalize library on any value the trail can hold', () => {
    fc.assert(
      fc.property(value, (v) => canonicalJson(v) === jcs(v)),
      { numRuns: 2_000 },
    );
  });

  it('equals it on entries, with the fast path the hash uses', () => {
    const header = fc.record({ name: text, value: text });
    const entry = fc.record(
      {
        seq: fc.integer({ min: 1 }),
        prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
        recordedAt: text,
        key: text,
        stream: text,
        streamSeq: fc.integer({ min: 1 }),
        natsSubject: text,
        headers: fc.array(fc.oneof(header, value)),
        data: fc.base64String(),
        wellFormed: fc.boolean(),
        problems: fc.array(text),
        eventId: text,
        source: text,
        type: text,
        subject: text,
        agency: text,
        actor: text,
        eventTime: text,
        traceId: fc.oneof(text, value),
      },
      { requiredKeys: ['seq', 'prevHash'] },
    );
    const order = jcsOrder(HASHED_FIELDS);
    fc.assert(
      fc.property(entry, (e) => canonicalJsonOf(e, order) === jcs(e)),
      { numRuns: 2_000 },
    );
  });

  it("sorts keys by UTF-16 code units, as the RFC's own example shows", () => {
    // RFC 8785 §3.2.3: "\u20ac" (€), "\r", "\ufb33", "1", "\ud83d\ude00" (😀), "\u0080", "\u00f6" (ö).
    const sample = {
      '\u20ac': 'Euro',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const written = canonicalJson(sample);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const at = order.map((k) => written.indexOf(`${JSON.stringify(k)}:`));
    assert.ok(
      at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]!)),
      written,
    );
    assert.equal(written, jcs(sample));
  });

  it('refuses what it would have to spell like JCS but the trail never holds (fractions)', () => {
    assert.throws(() => canonicalJson({ a: 1.5 }), /integers only/);
  });
});
