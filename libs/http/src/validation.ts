import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ProblemError, problem, type FieldError } from './problem.js';

/** class-validator errors → field errors with JSON pointers, deepest first. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = `${parent}/${pointerSegment(e.property)}`;
    for (const message of Object.values(e.constraints ?? {}))
      out.push({ path, message: humanise(message, e.property) });
    if (e.children?.length) out.push(...fieldErrors(e.children, path));
  }
  return out;
}

/** One reference token of a JSON pointer (RFC 6901): `~` and `/` escaped. */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function humanise(message: string, property: string): string {
  // class-validator says "property foo should not exist" for unknown fields; say it plainly.
  if (message === `property ${property} should not exist`) return `unknown field '${property}'`;
  return message;
}

/**
 * Validates and transforms every DTO: unknown fields are refused (not silently dropped), values are
 * typed, and the answer lists every wrong field at once.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ProblemError(
        problem(400, 'The request does not match what this endpoint accepts.', {
          code: 'invalid-request',
          errors: fieldErrors(errors),
        }),
      ),
  });
}

/** Keys a JSON body may never carry: store operators (`$gt`), dotted paths, prototype tricks. */
/**
 * A route's own exceptions to the dotted-key rule, top-level keys only, set with
 * `@RouteConfig({ [BODY_DOTTED_KEYS]: ['facet.field'] })` where a foreign protocol names its
 * parameters so (CKAN's Action API) and the body never reaches the store.
 */
export const BODY_DOTTED_KEYS = 'bodyDottedKeys';

/** unsafeKeys of a request body, with `allowed` top-level keys accepted as names (their values still checked). */
export function unsafeBodyKeys(body: unknown, allowed: readonly string[] = []): FieldError[] {
  if (!allowed.length || body === null || typeof body !== 'object' || Array.isArray(body))
    return unsafeKeys(body);
  const found: FieldError[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (allowed.includes(key)) unsafeKeys(value, `/${pointerSegment(key)}`, found, 1);
    else unsafeKeys({ [key]: value }, '', found, 0);
  }
  return found;
}

/** How deep a JSON body may nest: far beyond any DTO here, far below the call stack's limit. */
export const MAX_BODY_DEPTH = 32;

export function unsafeKeys(value: unknown, path = '', found: FieldError[] = [], depth = 0): FieldError[] {
  if (found.length >= 20 || value === null || typeof value !== 'object') return found;
  if (depth >= MAX_BODY_DEPTH) {
    found.push({ path, message: `nests deeper than ${MAX_BODY_DEPTH} levels` });
    return found;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => unsafeKeys(v, `${path}/${i}`, found, depth + 1));
    return found;
  }
  for (const key of Object.keys(value)) {
    if (found.length >= 20) break;
    const here = `${path}/${pointerSegment(key)}`;
    if (key.startsWith('$') || key.includes('.') || key === '__proto__' || key === 'constructor')
      found.push({ path: here, message: `field name '${key.slice(0, 64)}' is not allowed` });
    else unsafeKeys((value as Record<string, unknown>)[key], here, found, depth + 1);
  }
  return found;
}
