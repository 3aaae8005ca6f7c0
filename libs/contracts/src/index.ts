// The contracts of OpenLGSP, generated from the JSON Schemas in contracts/events and
// contracts/commands (npm run contracts:generate): their TypeScript types, what each event type and
// command is, and validators.
import type { ErrorObject } from 'ajv';
import {
  agencyCodePattern,
  commandContracts,
  envelopeSchemaId,
  eventContracts,
} from './generated/catalog.js';
import type { CommandName, EventDataByType, EventType } from './generated/types.js';
import { validators } from './generated/validators.js';

export * from './generated/types.js';
export {
  agencyCodePattern,
  commandContracts,
  envelopeSchemaId,
  eventContracts,
  fieldNamePattern,
  textPattern,
  uuidPattern,
  type CommandContract,
  type EventContract,
} from './generated/catalog.js';
export { commandOpenApiSchemas } from './generated/command-schemas.js';
export { normaliseText } from './normalise.js';
export type { SchemaId, ValidateFunction } from './generated/validators.js';

/** One reason a value does not conform: where (a JSON pointer into the value) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}
export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

export function isEventType(s: unknown): s is EventType {
  return typeof s === 'string' && Object.hasOwn(eventContracts, s);
}

export function contractFor<T extends EventType>(type: T): (typeof eventContracts)[T] {
  if (!isEventType(type)) throw new Error(`unknown event type '${String(type)}'`);
  return eventContracts[type];
}

/** Checks an event's data against the contract of its type. */
export function validateEventData(type: string, data: unknown): ValidationResult {
  if (!isEventType(type))
    return { ok: false, errors: [{ path: '', message: `unknown event type '${type}'` }] };
  return run(contractFor(type).schemaId, data);
}

export function isCommandName(s: unknown): s is CommandName {
  return typeof s === 'string' && Object.hasOwn(commandContracts, s);
}

/** Checks an HTTP request body against the schema of its command (contracts/commands). */
export function validateCommand(name: CommandName, body: unknown): ValidationResult {
  if (!isCommandName(name)) throw new Error(`unknown command '${String(name)}'`);
  return run(commandContracts[name].schemaId, body);
}

/**
 * Checks CloudEvent attributes (and `data` being present is allowed, for structured mode) against
 * contracts/events/cloudevent.json; for a known type, `dataschema` must name that type's schema.
 */
export function validateEnvelope(attrs: unknown): ValidationResult {
  const result = run(envelopeSchemaId, attrs);
  const { type, dataschema } = (attrs ?? {}) as { type?: unknown; dataschema?: unknown };
  if (isEventType(type) && dataschema !== undefined && dataschema !== contractFor(type).schemaId) {
    const issue = {
      path: '/dataschema',
      message: `must be '${contractFor(type).schemaId}' for type '${type}'`,
    };
    return { ok: false, errors: [...(result.ok ? [] : result.errors), issue] };
  }
  return result;
}

/**
 * The NATS subject an event of this type is published on, with `{agency}` (and, for reports, the
 * reporting `{service}`) filled in. Throws when the subject needs a code and none is given, or when
 * the code is not NATS-token safe (it would otherwise change the subject's meaning, e.g. `a.b` or `*`).
 */
export function subjectFor(type: EventType, options: { agency?: string; service?: string } = {}): string {
  let subject: string = contractFor(type).subject;
  for (const [name, value] of [
    ['agency', options.agency],
    ['service', options.service],
  ] as const) {
    if (!subject.includes(`{${name}}`)) continue;
    if (value === undefined)
      throw new Error(`the subject of ${type} needs ${name === 'agency' ? 'an agency' : 'a service'} code`);
    if (!agencyCodePattern.test(value)) {
      throw new Error(`${name} code '${value}' is not NATS-token safe: expected ${agencyCodePattern.source}`);
    }
    subject = subject.replace(`{${name}}`, value);
  }
  return subject;
}

function run(schemaId: keyof typeof validators, value: unknown): ValidationResult {
  const validate = validators[schemaId];
  if (validate(value)) return { ok: true };
  const seen = new Set<string>();
  const errors: ValidationIssue[] = [];
  for (const error of validate.errors ?? []) {
    // `if` only says "must match then schema"; the error from `then` itself says what is missing.
    if (error.keyword === 'if') continue;
    const issue = describe(error);
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(issue);
  }
  return { ok: false, errors };
}

const pointerSegment = (name: string) => '/' + name.replaceAll('~', '~0').replaceAll('/', '~1');

/** Says what is wrong in words, and points at the property concerned rather than at its parent. */
function describe({ keyword, instancePath, params, message }: ErrorObject): ValidationIssue {
  switch (keyword) {
    case 'additionalProperties':
      return {
        path: instancePath + pointerSegment(params.additionalProperty),
        message: `must NOT have additional properties: '${params.additionalProperty}'`,
      };
    case 'unevaluatedProperties':
      return {
        path: instancePath + pointerSegment(params.unevaluatedProperty),
        message: `must NOT have additional properties: '${params.unevaluatedProperty}'`,
      };
    case 'required':
      return {
        path: instancePath + pointerSegment(params.missingProperty),
        message: `must have required property '${params.missingProperty}'`,
      };
    case 'enum':
      return { path: instancePath, message: `must be one of: ${params.allowedValues.join(', ')}` };
    case 'const':
      return { path: instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'false schema':
      return { path: instancePath, message: 'is not allowed here' };
    default:
      return { path: instancePath, message: message ?? `must satisfy '${keyword}'` };
  }
}

/** An event a rule has established, before it gets an envelope: a type and its contract-typed data. */
export type Fact = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];
