import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseText } from './normalise.js';

describe('normaliseText', () => {
  const nfd = 'Đất đai'.normalize('NFD');

  it('turns decomposed Vietnamese text into its precomposed form, in strings, arrays and objects', () => {
    assert.notEqual(nfd, 'Đất đai');
    assert.deepEqual(normaliseText({ name: nfd, tags: [nfd, 1, true, null], [nfd]: { x: nfd } }), {
      name: 'Đất đai',
      tags: ['Đất đai', 1, true, null],
      'Đất đai': { x: 'Đất đai' },
    });
  });

  it('returns the very value when it is already normalised, and leaves non-plain objects alone', () => {
    const body = { name: 'Đất đai', fields: ['a'] };
    assert.equal(normaliseText(body), body);
    const when = new Date(0);
    assert.equal(normaliseText(when), when);
  });
});
