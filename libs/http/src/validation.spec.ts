import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { ProblemError, type FieldError } from './problem.js';
import { fieldErrors, unsafeBodyKeys, unsafeKeys, validationPipe } from './validation.js';

class DataFieldDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsIn(['text', 'number', 'date'])
  type!: string;
}

class ContentDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DataFieldDto)
  dataFields!: DataFieldDto[];
}

class ProposalDto {
  @ValidateNested()
  @Type(() => ContentDto)
  content!: ContentDto;

  @IsInt()
  @Min(1)
  copies!: number;
}

const valid = () => ({
  content: { name: 'Đất đai', dataFields: [{ name: 'area', type: 'number' }] },
  copies: 1,
});

/** The field errors the validation pipe answers a body with (fails if it accepts the body). */
async function refused(body: unknown): Promise<FieldError[]> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype: ProposalDto });
  } catch (err) {
    assert.ok(err instanceof ProblemError, `expected a ProblemError, got ${String(err)}`);
    assert.equal(err.problem.status, 400);
    assert.equal(err.problem.code, 'invalid-request');
    return err.problem.errors ?? [];
  }
  assert.fail('expected the body to be refused');
}

describe('unsafeKeys', () => {
  it('finds nothing in an ordinary body', () => {
    assert.deepEqual(unsafeKeys({ name: 'a', tags: ['x', { y: 1 }], n: null, when: '2025-01-01' }), []);
  });

  it('finds a store operator smuggled in as a value', () => {
    assert.deepEqual(unsafeKeys({ agency: { $ne: null } }), [
      { path: '/agency/$ne', message: "field name '$ne' is not allowed" },
    ]);
  });

  it('finds a dotted key that would address a nested path in the store', () => {
    assert.deepEqual(
      unsafeKeys({ content: { 'owner.agency': 'SYT' } }).map((f) => f.path),
      ['/content/owner.agency'],
    );
  });

  it('finds __proto__ and constructor keys of a parsed body', () => {
    const body: unknown = JSON.parse(
      '{"__proto__": {"admin": true}, "a": {"constructor": {"prototype": {}}}}',
    );
    assert.deepEqual(
      unsafeKeys(body).map((f) => f.path),
      ['/__proto__', '/a/constructor'],
    );
  });

  it('looks inside arrays, naming the index', () => {
    assert.deepEqual(
      unsafeKeys({ items: [{ ok: 1 }, [{ $where: 'sleep(1000)' }]] }).map((f) => f.path),
      ['/items/1/0/$where'],
    );
    assert.deepEqual(
      unsafeKeys([{ $gt: 1 }]).map((f) => f.path),
      ['/0/$gt'],
      'a top-level array is searched too',
    );
  });

  it('escapes ~ and / in the JSON pointer it gives', () => {
    assert.deepEqual(
      unsafeKeys({ 'a/b~c': { 'x.y': 1 } }).map((f) => f.path),
      ['/a~1b~0c/x.y'],
    );
  });

  it('reports a refused key once, without looking inside it', () => {
    assert.deepEqual(
      unsafeKeys({ $or: [{ $where: 'x' }, { 'a.b': 1 }] }).map((f) => f.path),
      ['/$or'],
    );
  });

  it('quotes at most 64 characters of a refused key', () => {
    const [found] = unsafeKeys({ ['$' + 'x'.repeat(200)]: 1 });
    assert.equal(found?.message, `field name '$${'x'.repeat(63)}' is not allowed`);
  });

  it('stops at 20 findings however many keys one object has', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`$op${i}`, i]));
    assert.equal(unsafeKeys(many).length, 20, 'expected the findings to be capped at 20');
  });

  it('stops at 20 findings across arrays and nested objects', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ nested: { [`k.${i}`]: i } }));
    const found = unsafeKeys({ list: many });
    assert.equal(found.length, 20, 'expected the findings to be capped at 20');
    assert.equal(found[0]?.path, '/list/0/nested/k.0', 'the first findings are kept, in document order');
  });
});

describe('fieldErrors', () => {
  it('flattens nested errors to JSON pointers into the request', async () => {
    const body = valid();
    body.content.dataFields.push({ name: '', type: 'colour' });
    const errors = await refused(body);
    assert.deepEqual(
      errors.map((e) => e.path),
      ['/content/dataFields/1/name', '/content/dataFields/1/type'],
    );
    assert.match(errors[0]!.message, /name should not be empty/);
    assert.match(errors[1]!.message, /type must be one of the following values: text, number, date/);
  });

  it('lists every wrong field at once, at every depth', async () => {
    const errors = await refused({
      content: { name: 7, dataFields: [{ name: 'area', type: 'number' }] },
      copies: 0,
    });
    assert.deepEqual([...new Set(errors.map((e) => e.path))].sort(), ['/content/name', '/copies']);
  });

  it('says "unknown field" for a field the endpoint does not accept, wherever it is', async () => {
    const body = { ...valid(), colour: 'blue' };
    (body.content as Record<string, unknown>).extra = 1;
    const errors = await refused(body);
    const byPath = (a: FieldError, b: FieldError) => a.path.localeCompare(b.path);
    assert.deepEqual(errors.sort(byPath), [
      { path: '/colour', message: "unknown field 'colour'" },
      { path: '/content/extra', message: "unknown field 'extra'" },
    ]);
  });

  it('passes a valid body through as an instance of its DTO', async () => {
    const value: unknown = await validationPipe().transform(valid(), { type: 'body', metatype: ProposalDto });
    assert.ok(value instanceof ProposalDto, 'the body should be transformed into its DTO');
    assert.ok(value.content instanceof ContentDto, 'nested objects should be transformed too');
  });

  it('escapes ~ and / of a field name in the pointer', () => {
    const errors: ValidationError[] = [
      {
        property: 'a/b',
        constraints: { whitelistValidation: 'property a/b should not exist' },
        children: [],
      },
      {
        property: 'meta',
        children: [{ property: 'x~y', constraints: { isString: 'x~y must be a string' }, children: [] }],
      },
    ];
    assert.deepEqual(fieldErrors(errors), [
      { path: '/a~1b', message: "unknown field 'a/b'" },
      { path: '/meta/x~0y', message: 'x~y must be a string' },
    ]);
  });
});

describe('unsafeBodyKeys', () => {
  it("accepts only a route's named top-level dotted keys, and still checks their values", () => {
    const body = { 'facet.field': ['tags'], 'facet.limit': 5, q: { $ne: 1 }, 'a.b': 1 };
    assert.deepEqual(
      unsafeBodyKeys(body, ['facet.field', 'facet.limit']).map((f) => f.path),
      ['/q/$ne', '/a.b'],
    );
    assert.deepEqual(
      unsafeBodyKeys({ 'facet.field': { $where: 'x' } }, ['facet.field']).map((f) => f.path),
      ['/facet.field/$where'],
    );
    assert.equal(unsafeBodyKeys(body).length, 4);
  });
});
