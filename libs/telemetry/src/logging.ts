import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at the top level and up to three levels down. */
const SECRET_KEYS = ['authorization', 'cookie', 'x-api-key', 'password', 'token', 'secret'];
const REDACTED_PATHS = SECRET_KEYS.flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.'].map((prefix) => `${prefix}["${key}"]`.replace('.[', '[')),
);

/** The trace id of the active span, if any. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The file `LGSP_LOG_FILE` names, opened once per process however many loggers write to it. */
const logFiles = new Map<string, DestinationStream>();

function configuredDestination(): DestinationStream | undefined {
  const file = process.env.LGSP_LOG_FILE;
  if (!file || file === '-') return undefined;
  let destination = logFiles.get(file);
  if (!destination) {
    // Synchronous: the lines are in the file when a failing test suite prints its tail at exit.
    destination = pino.destination({ dest: file, sync: true, mkdir: true, append: true });
    logFiles.set(file, destination);
  }
  return destination;
}

/**
 * A JSON logger whose every line carries `service` and, inside a span, `trace_id` and `span_id`.
 * Level from `LOG_LEVEL` (default `info`); secrets (authorization, cookie, x-api-key, password,
 * token, secret) are replaced by `[REDACTED]`. Writes to `destination` if given, else to the file
 * `LGSP_LOG_FILE` names (the test harness sets it, one file per suite), else to stdout.
 */
export function createLogger(
  serviceName: string,
  destination: DestinationStream | undefined = configuredDestination(),
): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service: serviceName, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      mixin() {
        const spanContext = trace.getActiveSpan()?.spanContext();
        if (!spanContext || !isSpanContextValid(spanContext)) return {};
        return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
      },
    },
    destination,
  );
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger on pino: `NestFactory.create(AppModule, adapter, { logger: new NestPinoLogger(log) })`.
 * Follows Nest's conventions: a trailing string parameter is the context (e.g. the class name),
 * and `error(message, stack?, context?)` takes a stack trace.
 */
export class NestPinoLogger implements LoggerService {
  constructor(
    private readonly logger: Logger,
    private readonly context?: string,
  ) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams, true);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[], takesStack = false): void {
    const params = [...optionalParams];
    const fields: Record<string, unknown> = {};
    // error('boom', stack) has no context; error('boom', stack, 'Ctx') and log('hi', 'Ctx') do.
    const last = params.at(-1);
    const lastIsContext = typeof last === 'string' && !(takesStack && params.length === 1 && isStack(last));
    const context = lastIsContext ? (params.pop() as string) : this.context;
    if (context) fields.context = context;
    if (takesStack && params.length > 0 && (params.at(-1) === undefined || isStack(params.at(-1)))) {
      const stack = params.pop();
      if (stack) fields.stack = stack;
    }
    if (params.length > 0) fields.params = params;

    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}

function isStack(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
