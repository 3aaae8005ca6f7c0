import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoreUnavailable } from './unavailable.js';

const named = (name: string, message = 'x', cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? {} : { cause }), { name });

describe('a store that is not there', () => {
  it('is told by the driver’s errors for no server, a lost connection and a cleared pool', () => {
    for (const name of [
      'MongoServerSelectionError',
      'MongooseServerSelectionError',
      'MongoNetworkError',
      'MongoNetworkTimeoutError',
      'MongoPoolClearedError',
    ])
      assert.equal(isStoreUnavailable(named(name)), true, name);
  });

  it('is told by Mongoose giving up on an operation it queued without a connection, and through a cause', () => {
    const buffered = named(
      'MongooseError',
      'Operation `incidents.findOne()` buffering timed out after 10000ms',
    );
    assert.equal(isStoreUnavailable(buffered), true);
    assert.equal(isStoreUnavailable(new Error('saving failed', { cause: named('MongoNetworkError') })), true);
  });

  it('is not a duplicate key, a validation error, a rule or anything else', () => {
    assert.equal(isStoreUnavailable(named('MongoServerError', 'E11000 duplicate key')), false);
    assert.equal(isStoreUnavailable(named('ValidationError')), false);
    assert.equal(
      isStoreUnavailable(named('MongooseError', 'Model.find() no longer accepts a callback')),
      false,
    );
    assert.equal(isStoreUnavailable(new Error('store unavailable')), false);
    assert.equal(isStoreUnavailable('MongoNetworkError'), false);
  });
});
