import type { Context } from '@opentelemetry/api';
import type { MongoDBInstrumentationConfig } from '@opentelemetry/instrumentation-mongodb';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

const INSTRUMENTATION_SCOPE = '@opentelemetry/instrumentation-mongodb';
const ATTR_DB_OPERATION_NAME = 'db.operation.name';
const ATTR_DB_COLLECTION_NAME = 'db.collection.name';

/**
 * The command the instrumentation serialised last: `{ findAndModify: 'entries', … }`. The driver
 * sends database commands (findAndModify, aggregate) to the namespace `<db>.$cmd`, which the
 * instrumentation (0.77) takes for the collection, so its span reads `findAndModify $cmd`. Its
 * statement serializer sees the command itself and runs synchronously just before the span starts,
 * so the processor below can put the real collection in `db.collection.name` and in the span name.
 */
let lastCommand: { operation: string; collection: string } | undefined;

/** Values replaced by `?` as the instrumentation's default serializer does: no data in traces. */
function withoutValues(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value !== 'object' || value === null) return '?';
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    return value;
  };
}

/** The MongoDB instrumentation's configuration: the statement serializer remembering the command. */
export const mongoDbInstrumentationConfig: MongoDBInstrumentationConfig = {
  dbStatementSerializer(command) {
    const [operation, collection] = Object.entries(command)[0] ?? [];
    lastCommand =
      operation && typeof collection === 'string' && collection !== ''
        ? { operation, collection }
        : undefined;
    return JSON.stringify(command, withoutValues());
  },
};

/**
 * Names a MongoDB span `{operation} {collection}` (database conventions) when the instrumentation
 * had only `$cmd`: spans can still be renamed in onStart, before anyone sees them.
 */
export const mongoDbSpanNames: SpanProcessor = {
  onStart(span: Span, _parent: Context) {
    if (span.instrumentationScope.name !== INSTRUMENTATION_SCOPE) return;
    const command = lastCommand;
    lastCommand = undefined;
    const operation = span.attributes[ATTR_DB_OPERATION_NAME];
    const collection = span.attributes[ATTR_DB_COLLECTION_NAME];
    if (!command || command.operation !== operation || (collection && collection !== '$cmd')) return;
    span.setAttribute(ATTR_DB_COLLECTION_NAME, command.collection);
    span.updateName(`${command.operation} ${command.collection}`);
  },
  onEnd: (_span: ReadableSpan) => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};
