import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import { recordSpansForTests, startTelemetry, withConsumerSpan } from './index.js';

// Telemetry first, then mongoose (CommonJS), whose `require('mongodb')` the instrumentation hooks.
const telemetry = await startTelemetry({ serviceName: 'telemetry-spec' });
const recorder = recordSpansForTests();
const { default: mongoose } = await import('mongoose');
const { BSON } = mongoose.mongo;

/**
 * Just enough of a MongoDB server for the driver: the handshake (OP_QUERY), then commands in
 * OP_MSG. No MongoDB server can be installed on the project's machines, and the point here is the
 * driver's instrumentation, not the server.
 */
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const commands: string[] = [];
type Document = ReturnType<typeof BSON.deserialize>;

function answer(command: Document): Document {
  const name = Object.keys(command)[0]!;
  if (['hello', 'ismaster', 'isMaster'].includes(name)) {
    return {
      ismaster: true,
      isWritablePrimary: true,
      helloOk: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
      maxWireVersion: 21,
      ok: 1,
    };
  }
  commands.push(name);
  if (name === 'find' || name === 'aggregate') {
    const firstBatch = [{ _id: 'ds-1', title: 'Budget 2026' }];
    return { cursor: { id: BSON.Long.ZERO, ns: `${command.$db}.${command[name]}`, firstBatch }, ok: 1 };
  }
  if (name === 'findAndModify')
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: null, ok: 1 };
  if (name === 'update' || name === 'delete') return { n: 1, nModified: 1, ok: 1 };
  if (name === 'insert') return { n: command.documents.length, ok: 1 };
  return { ok: 1 };
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(responseTo + 1, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function reply(message: Buffer): Buffer {
  const requestId = message.readInt32LE(4);
  const readDocument = (at: number) => BSON.deserialize(message.subarray(at, at + message.readInt32LE(at)));
  if (message.readInt32LE(12) === OP_QUERY) {
    // flags, full collection name (cstring), skip, limit, then the command
    const body = BSON.serialize(answer(readDocument(message.indexOf(0, 20) + 9)));
    const fields = Buffer.alloc(20); // flags, cursor id, starting from, number returned
    fields.writeInt32LE(1, 16);
    return Buffer.concat([header(36 + body.length, requestId, OP_REPLY), fields, body]);
  }
  // OP_MSG: flag bits, then section kind 0 holding the command
  const body = BSON.serialize(answer(readDocument(21)));
  return Buffer.concat([header(21 + body.length, requestId, OP_MSG), Buffer.alloc(5), body]);
}

const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0);
      socket.write(reply(pending.subarray(0, length)));
      pending = pending.subarray(length);
    }
  });
  socket.on('close', () => sockets.delete(socket));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const uri = `mongodb://127.0.0.1:${(server.address() as AddressInfo).port}/lgsp`;

const connection = await mongoose
  .createConnection(uri, {
    directConnection: true,
    serverSelectionTimeoutMS: 2000,
    autoIndex: false,
    autoCreate: false,
  })
  .asPromise();
const Dataset = connection.model('Dataset', new mongoose.Schema({ _id: String, title: String }), 'datasets');

after(async () => {
  await connection.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await telemetry.shutdown();
});

test('mongoose queries inside a traced unit of work produce MongoDB client spans', async () => {
  recorder.reset();
  const consumer = await withConsumerSpan(
    { subject: 'lgsp.catalogue.dataset.changed', messageId: 'evt-1', carrier: {} },
    async (span) => {
      const found = await Dataset.find({ title: 'Budget 2026' }).lean();
      assert.equal(found[0]?._id, 'ds-1');
      await Dataset.create({ _id: 'ds-2', title: 'Roads' });
      return span.spanContext();
    },
  );

  assert.deepEqual(
    commands.filter((name) => name === 'find' || name === 'insert'),
    ['find', 'insert'],
  );
  const spans = recorder.spans().filter((span) => span.kind === SpanKind.CLIENT);
  const summary = spans.map((span) => span.name + ' ' + JSON.stringify(span.attributes));
  assert.equal(spans.length, 2, summary.join('\n'));
  for (const span of spans) {
    assert.equal(span.spanContext().traceId, consumer.traceId);
    assert.equal(span.parentSpanContext?.spanId, consumer.spanId);
  }
  assert.deepEqual(
    spans.map((span) => span.name),
    ['find datasets', 'insert datasets'],
  );
  assert.equal(spans[0]!.attributes['db.system.name'], 'mongodb');
  assert.equal(spans[0]!.attributes['db.namespace'], 'lgsp');
  assert.doesNotMatch(String(spans[0]!.attributes['db.query.text']), /Budget/, 'values are not recorded');
});

test('every command\u2019s span is named `{operation} {collection}`, commands on `$cmd` included', async () => {
  recorder.reset();
  await withConsumerSpan(
    { subject: 'lgsp.catalogue.entry.changed', messageId: 'evt-2', carrier: {} },
    async () => {
      await Dataset.findOneAndUpdate({ _id: 'ds-1' }, { $set: { title: 'Budget 2027' } }).lean();
      await Dataset.updateOne({ _id: 'ds-1' }, { $set: { title: 'Budget 2028' } });
      await Dataset.deleteOne({ _id: 'ds-9' });
      await Dataset.aggregate([{ $match: { title: 'Budget 2028' } }]);
      await Dataset.find({ _id: 'ds-1' }).lean();
    },
  );
  const spans = recorder.spans().filter((span) => span.kind === SpanKind.CLIENT);
  assert.deepEqual(
    spans.map((span) => span.name),
    ['findAndModify datasets', 'update datasets', 'delete datasets', 'aggregate datasets', 'find datasets'],
  );
  for (const span of spans) assert.equal(span.attributes['db.collection.name'], 'datasets');
  assert.doesNotMatch(
    String(spans[0]!.attributes['db.query.text']),
    /Budget|ds-1|datasets/,
    'values are not recorded',
  );
});

test('outside a trace the driver makes no spans (requireParentSpan)', async () => {
  recorder.reset();
  assert.equal(trace.getActiveSpan(), undefined);
  await Dataset.find().lean();
  assert.deepEqual(recorder.spans(), []);
});
