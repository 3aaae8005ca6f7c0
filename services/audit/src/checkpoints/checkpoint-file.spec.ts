import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { CheckpointFileError, checkpointsFromText } from './checkpoint-file.js';
import { CHECKPOINT_SIGNED, signCheckpoint } from './checkpoint.rules.js';

const { privateKey } = generateKeyPairSync('ed25519');
const a = signCheckpoint({ seq: 5, hash: 'a'.repeat(64) }, new Date('2026-01-01T00:00:00Z'), privateKey);
const b = signCheckpoint({ seq: 9, hash: 'b'.repeat(64) }, new Date('2026-01-02T00:00:00Z'), privateKey);

describe('checkpoints a verifier kept outside the store (DOMAIN §4: the trail verifiable by anyone)', () => {
  it('reads the answer of GET /audit/checkpoints, a JSON array, and NDJSON of checkpoints or of their events', () => {
    const event = (cp: typeof a) => ({ specversion: '1.0', type: CHECKPOINT_SIGNED, id: 'x', data: cp });
    assert.deepEqual(checkpointsFromText(JSON.stringify({ items: [a, b] })), [a, b]);
    assert.deepEqual(checkpointsFromText(JSON.stringify([a, b])), [a, b]);
    assert.deepEqual(checkpointsFromText(`${JSON.stringify(event(a))}\n\n${JSON.stringify(b)}\n`), [a, b]);
    assert.deepEqual(checkpointsFromText(''), []);
  });

  it('keeps only the signed fields', () => {
    assert.deepEqual(checkpointsFromText(JSON.stringify([{ ...a, note: 'trust me' }])), [a]);
  });

  it('refuses what is not a checkpoint, saying where', () => {
    assert.throws(() => checkpointsFromText('{"seq": 1}'), CheckpointFileError);
    assert.throws(() => checkpointsFromText(`${JSON.stringify(a)}\nnot json`), /line 2/);
  });
});
