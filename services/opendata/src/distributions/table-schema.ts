import type { Problem } from '../datasets/metadata.rules.js';

/**
 * The subset of a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) the
 * portal checks a CSV against: each field's name, type, and the required/enum/pattern constraints.
 */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface TableField {
  name: string;
  /** `string` when absent, as in the specification. */
  type?: FieldType;
  constraints?: { required?: boolean; enum?: string[]; pattern?: string };
}

export interface TableSchema {
  fields: TableField[];
  /** Cells that mean "no value"; `[""]` when absent, as in the specification. */
  missingValues?: string[];
}

export const MAX_FIELDS = 500;

/** A declared schema is itself checked before any row is: a bad schema would report nonsense. */
export function checkTableSchema(schema: TableSchema): Problem[] {
  const problems: Problem[] = [];
  if (!Array.isArray(schema.fields) || schema.fields.length === 0)
    return [{ path: '/fields', code: 'required', message: 'a table schema declares at least one field' }];
  if (schema.fields.length > MAX_FIELDS)
    problems.push({
      path: '/fields',
      code: 'too-many',
      message: `${schema.fields.length} fields; at most ${MAX_FIELDS}`,
    });
  const seen = new Set<string>();
  schema.fields.forEach((f, i) => {
    const at = `/fields/${i}`;
    if (typeof f.name !== 'string' || !f.name.trim())
      problems.push({ path: `${at}/name`, code: 'required', message: 'a field has a name' });
    else if (seen.has(f.name))
      problems.push({
        path: `${at}/name`,
        code: 'duplicate',
        message: `the field ${f.name} is declared twice`,
      });
    seen.add(f.name);
    if (f.type !== undefined && !FIELD_TYPES.includes(f.type))
      problems.push({
        path: `${at}/type`,
        code: 'unknown-type',
        message: `'${String(f.type)}' is not one of ${FIELD_TYPES.join(', ')}`,
      });
    const pattern = f.constraints?.pattern;
    if (pattern !== undefined && compilePattern(pattern) === null)
      problems.push({
        path: `${at}/constraints/pattern`,
        code: 'pattern',
        message: `'${pattern}' is not a regular expression`,
      });
  });
  return problems;
}

/** A Table Schema pattern matches the whole value (XML Schema semantics). */
export function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

const INTEGER = /^[+-]?[0-9]+$/;
const NUMBER = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const TRUE = ['true', 'True', 'TRUE', '1'];
const FALSE = ['false', 'False', 'FALSE', '0'];
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DATETIME =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$/;

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** Whether a cell's text is a value of the type (the specification's default formats). */
export function castsTo(type: FieldType, value: string): boolean {
  switch (type) {
    case 'string':
      return true;
    case 'integer':
      return INTEGER.test(value);
    case 'number':
      return NUMBER.test(value);
    case 'boolean':
      return TRUE.includes(value) || FALSE.includes(value);
    case 'date':
      return isDate(value);
    case 'datetime': {
      const m = DATETIME.exec(value);
      return m !== null && isDate(m[1]!);
    }
  }
}

export const isPlainNumber = (value: string) => NUMBER.test(value);
