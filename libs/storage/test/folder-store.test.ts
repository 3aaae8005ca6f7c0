import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FolderObjectStore } from '../src/index.js';
import { describeObjectStore } from './object-store.contract.js';

let root: string;
let store: FolderObjectStore;
let small: FolderObjectStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lgsp-storage-'));
  store = new FolderObjectStore(join(root, 'main'));
  small = new FolderObjectStore(join(root, 'small'), 2048);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describeObjectStore('folder', () => ({
  store: () => store,
  smallStore: () => small,
  leftovers: async () => [
    ...(await readdir(join(root, 'main', 'tmp')).catch(() => [])),
    ...(await readdir(join(root, 'small', 'tmp')).catch(() => [])),
  ],
}));

describe('folder: layout', () => {
  test('keeps the object as a plain file under objects/, its facts under meta/', async () => {
    await store.put('layout/a.txt', Readable.from([Buffer.from('plain')]), { contentType: 'text/plain' });
    assert.equal(await readFile(join(root, 'main', 'objects', 'layout', 'a.txt'), 'utf8'), 'plain');
    const sidecar = JSON.parse(await readFile(join(root, 'main', 'meta', 'layout', 'a.txt.json'), 'utf8'));
    assert.equal(sidecar.contentType, 'text/plain');
    assert.equal(sidecar.bytes, 5);
  });
});
