// Bodies for property tests, generated from a command's schema (the OpenAPI form of
// contracts/commands, every $ref inlined): the subset of JSON Schema the contracts use.
import fc from 'fast-check';
import { commandOpenApiSchemas, textPattern, type CommandName } from '@openlgsp/contracts';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Arbitraries to use instead of the schema's at some JSON pointers (ids that must exist, dates a rule checks). */
export type Overrides = Record<string, fc.Arbitrary<unknown>>;

/**
 * Letters an agency's text really holds: Vietnamese with its diacritics, digits, punctuation and
 * spaces. Texts are sometimes sent decomposed (NFD), as some keyboards type them.
 */
const TEXT_UNIT = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ...'abcdeghiklmnopqrstuvxyĐđĂăÂâÊêÔôƠơƯưáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ'.split(''),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(' ', ' ', '\t', '\u00a0', '\n') },
  { weight: 1, arbitrary: fc.constantFrom(...'0123456789.,;:-()/"\''.split('')) },
);

/**
 * Text the schema allows, with its edges: ordinary text, blank text where the schema lets it through,
 * and text at the maximum length (counted in NFC code points, as the contracts count). Half of it is
 * sent decomposed (NFD).
 */
function text(min: number, max: number, needsNonSpace: boolean): fc.Arbitrary<string> {
  const least = Math.max(min, needsNonSpace ? 1 : 0);
  const ordinary = fc.string({ unit: TEXT_UNIT, minLength: least, maxLength: Math.min(max, 60) });
  const blank = fc.string({
    unit: fc.constantFrom(' ', '\t', '\u00a0', '\n'),
    minLength: Math.max(least, 1),
    maxLength: Math.min(max, Math.max(least, 1) + 3),
  });
  const longest = fc.integer({ min: Math.max(least, max - 2), max }).map((n) => 'ế'.repeat(n));
  return fc
    .oneof(
      { weight: 6, arbitrary: ordinary },
      { weight: 2, arbitrary: blank },
      { weight: 1, arbitrary: longest },
    )
    .filter((s) => !needsNonSpace || /\S/.test(s))
    .chain((s) => fc.boolean().map((decomposed) => (decomposed ? s.normalize('NFD') : s.normalize('NFC'))));
}

const codePoints = (s: string) => [...s].length;

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  if (schema.format === 'date-time')
    return fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2035-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  if (schema.format === 'uri')
    return fc
      .tuple(fc.constantFrom('https', 'http', 'sftp', 'nats'), fc.domain(), fc.webPath())
      .map(([scheme, host, p]) => `${scheme}://${host}${p}`)
      .filter((u) => u.length <= max);
  if (schema.format === 'email')
    return fc
      .tuple(
        fc.stringMatching(/^[a-z][a-z0-9.]{0,20}[a-z0-9]$/),
        fc.constantFrom('stnmt.gov.vn', 'example.vn'),
      )
      .filter(([local]) => !local.includes('..'))
      .map(([local, domain]) => `${local}@${domain}`);
  if (schema.pattern === textPattern) return text(min, max, true);
  if (schema.pattern)
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => codePoints(s) >= min && codePoints(s) <= max);
  return text(min, max, false);
}

/** An arbitrary of bodies a command's schema describes. */
export function arbitraryFromSchema(
  schema: Schema,
  overrides: Overrides = {},
  path = '',
): fc.Arbitrary<unknown> {
  if (overrides[path]) return overrides[path]!;
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'string':
      return stringArbitrary(schema);
    case 'array': {
      const items = arbitraryFromSchema(schema.items ?? {}, overrides, `${path}/*`);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(items, constraints);
    }
    case 'object':
    case undefined: {
      const properties: Record<string, Schema> = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, s]) => [
          key,
          arbitraryFromSchema(s, overrides, `${path}/${key}`),
        ]),
      );
      const requiredKeys = (schema.required ?? []) as string[];
      // An override of `undefined` leaves an optional field out.
      return fc
        .record(model, { requiredKeys })
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    }
    default:
      throw new Error(`arbitraryFromSchema: no arbitrary for type ${String(schema.type)} at '${path}'`);
  }
}

/** Bodies of a command, from contracts/commands. */
export function commandBodies(
  command: CommandName,
  overrides: Overrides = {},
): fc.Arbitrary<Record<string, unknown>> {
  return arbitraryFromSchema(commandOpenApiSchemas[command], overrides) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

/** Where a command's bodies hold free text (common.json#/$defs/text): JSON pointers, with `*` for any array item. */
export function textFields(command: CommandName): { path: string; maxLength: number }[] {
  const found: { path: string; maxLength: number }[] = [];
  const walk = (s: Schema, path: string) => {
    if (s.type === 'string' && s.pattern === textPattern) found.push({ path, maxLength: s.maxLength });
    if (s.type === 'array' && s.items) walk(s.items, `${path}/*`);
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>))
      walk(v, `${path}/${k}`);
  };
  walk(commandOpenApiSchemas[command], '');
  return found;
}

/**
 * The body with the value at `path` replaced (the first array item for `*`), and the concrete
 * pointer; undefined when the body has nothing there (an optional field left out).
 */
export function replaceAt(
  body: Record<string, unknown>,
  path: string,
  value: unknown,
): { body: Record<string, unknown>; pointer: string } | undefined {
  const copy = structuredClone(body);
  const tokens = path.split('/').slice(1);
  let node: any = copy; // eslint-disable-line @typescript-eslint/no-explicit-any
  const pointer: string[] = [];
  for (const [i, token] of tokens.entries()) {
    const key = token === '*' ? 0 : token;
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    pointer.push(String(key));
    if (i === tokens.length - 1) node[key] = value;
    else node = node[key];
  }
  return { body: copy, pointer: `/${pointer.join('/')}` };
}

/** True when every text in a JSON value (keys too) is in Unicode Normalization Form C. */
export function isNfc(value: unknown): boolean {
  if (typeof value === 'string') return value === value.normalize('NFC');
  if (Array.isArray(value)) return value.every(isNfc);
  if (value && typeof value === 'object')
    return Object.entries(value).every(([k, v]) => isNfc(k) && isNfc(v));
  return true;
}
