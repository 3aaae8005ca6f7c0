import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, test } from 'node:test';
import {
  InvalidKeyError,
  RangeNotSatisfiableError,
  TooLargeError,
  type FetchedObject,
  type ObjectStore,
} from '../src/index.js';

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** `count` chunks of `size` bytes, made as they are read. */
export function generated(count: number, size: number, fill = 0x61): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < count ? Buffer.alloc(size, fill + (sent % 26)) : null);
    },
  });
}

async function body(object: FetchedObject | undefined): Promise<string> {
  assert.ok(object, 'expected the object to be there');
  return text(object.stream);
}

/**
 * What every ObjectStore guarantees, run against each implementation. `leftovers()` lists what a
 * failed upload could have left behind (temporary files, parts), which must stay empty.
 */
export function describeObjectStore(
  name: string,
  setup: () => {
    store: () => ObjectStore;
    smallStore: () => ObjectStore;
    leftovers: () => Promise<string[]>;
  },
): void {
  describe(`${name}: the ObjectStore contract`, () => {
    const { store, smallStore, leftovers } = setup();

    test('stores a stream and gives back its bytes, size, SHA-256 and content type', async () => {
      const content = 'mã định danh,tên cơ quan\n000.00.31.H41,Sở TTTT\n';
      const stored = await store().put(
        'publications/p1/agencies.csv',
        Readable.from([Buffer.from(content)]),
        {
          contentType: 'text/csv; charset=utf-8',
        },
      );
      assert.deepEqual(stored, {
        key: 'publications/p1/agencies.csv',
        bytes: Buffer.byteLength(content),
        sha256: sha256(content),
        contentType: 'text/csv; charset=utf-8',
      });
      const head = await store().head('publications/p1/agencies.csv');
      assert.equal(head?.bytes, Buffer.byteLength(content));
      assert.equal(head?.contentType, 'text/csv; charset=utf-8');
      assert.match(head?.etag ?? '', /^".+"$/);
      const got = await store().get('publications/p1/agencies.csv');
      assert.equal(got?.etag, head?.etag);
      assert.equal(got?.length, Buffer.byteLength(content));
      assert.equal(got?.range, undefined);
      assert.equal(await body(got), content);
    });

    test('takes an async iterable of chunks and defaults the type to octet-stream', async () => {
      async function* chunks() {
        for (let i = 0; i < 50; i++) yield Buffer.from(`line ${i}\n`);
      }
      const stored = await store().put('iterable.txt', chunks());
      const expected = Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join('');
      assert.equal(stored.sha256, sha256(expected));
      assert.equal(stored.contentType, 'application/octet-stream');
      assert.equal(await body(await store().get('iterable.txt')), expected);
    });

    test('serves byte ranges, and refuses one outside the object', async () => {
      await store().put('digits.txt', Readable.from([Buffer.from('0123456789')]));
      const middle = await store().get('digits.txt', { range: { start: 2, end: 5 } });
      assert.deepEqual([middle?.range, middle?.length, middle?.bytes], [{ start: 2, end: 5 }, 4, 10]);
      assert.equal(await body(middle), '2345');
      const tail = await store().get('digits.txt', { range: { start: 7 } });
      assert.deepEqual([tail?.range, await body(tail)], [{ start: 7, end: 9 }, '789']);
      const suffix = await store().get('digits.txt', { range: { suffix: 3 } });
      assert.deepEqual([suffix?.range, await body(suffix)], [{ start: 7, end: 9 }, '789']);
      const clamped = await store().get('digits.txt', { range: { start: 8, end: 99 } });
      assert.deepEqual(
        [clamped?.range, clamped?.length, await body(clamped)],
        [{ start: 8, end: 9 }, 2, '89'],
      );
      await assert.rejects(
        store().get('digits.txt', { range: { start: 10 } }),
        (error: unknown) => error instanceof RangeNotSatisfiableError && error.bytes === 10,
      );
    });

    test('past the bound: TooLargeError, nothing stored, the source left to its owner', async () => {
      const source = generated(40, 1024);
      await assert.rejects(
        store().put('too-large.bin', source, { maxBytes: 10_000 }),
        (error: unknown) =>
          error instanceof TooLargeError && error.maxBytes === 10_000 && error.status === 413,
      );
      assert.equal(source.destroyed, false, 'the source (an HTTP request) must stay answerable');
      assert.equal(await store().head('too-large.bin'), undefined);
      assert.deepEqual(await leftovers(), []);
    });

    test("the store's own bound applies when put() names none", async () => {
      await assert.rejects(smallStore().put('default-bound.bin', generated(3, 1024)), TooLargeError);
      const exact = await smallStore().put('exact-bound.bin', generated(2, 1024));
      assert.equal(exact.bytes, 2048);
    });

    test('a failed replacement keeps the previous content', async () => {
      await store().put('kept.txt', Readable.from([Buffer.from('version 1')]), { contentType: 'text/plain' });
      await assert.rejects(store().put('kept.txt', generated(20, 1024), { maxBytes: 5_000 }), TooLargeError);
      const kept = await store().get('kept.txt');
      assert.equal(kept?.contentType, 'text/plain');
      assert.equal(await body(kept), 'version 1');
      assert.deepEqual(await leftovers(), []);
    });

    test('a source failing midway fails the upload and leaves nothing', async () => {
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent++ < 3) this.push(Buffer.alloc(1024, 1));
          else this.destroy(new Error('the client went away'));
        },
      });
      await assert.rejects(store().put('broken.bin', failing), /the client went away/);
      assert.equal(await store().head('broken.bin'), undefined);
      assert.deepEqual(await leftovers(), []);
    });

    test('a replacement is served whole', async () => {
      await store().put('replaced.txt', Readable.from([Buffer.from('old')]));
      const before = await store().head('replaced.txt');
      await store().put('replaced.txt', Readable.from([Buffer.from('brand new')]), {
        contentType: 'text/plain',
      });
      const after = await store().get('replaced.txt');
      assert.equal(await body(after), 'brand new');
      assert.equal(after?.bytes, 9);
      assert.notEqual(after?.etag, before?.etag);
    });

    test('absent objects: get and head say undefined; delete is idempotent', async () => {
      assert.equal(await store().get('never/stored'), undefined);
      assert.equal(await store().head('never/stored'), undefined);
      await store().put('deleted.txt', Readable.from([Buffer.from('x')]));
      await store().delete('deleted.txt');
      assert.equal(await store().head('deleted.txt'), undefined);
      await store().delete('deleted.txt');
    });

    test('refuses keys with path tricks before touching anything', async () => {
      for (const key of ['../escape', '/etc/passwd', 'a\\b', 'a\0b', 'a//b', 'a/./b']) {
        await assert.rejects(store().put(key, Readable.from([Buffer.from('x')])), InvalidKeyError);
        await assert.rejects(store().get(key), InvalidKeyError);
        await assert.rejects(store().head(key), InvalidKeyError);
        await assert.rejects(store().delete(key), InvalidKeyError);
      }
    });
  });
}
