import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  commandContracts,
  commandOpenApiSchemas,
  contractFor,
  eventContracts,
  isEventType,
  subjectFor,
  validateEnvelope,
  validateCommand,
  validateEventData,
  type EntryListedV1,
  type EventType,
} from './index.js';

// dist/src/ → the repository root
const root = new URL('../../../../', import.meta.url);
const readJson = (rel: string) => JSON.parse(readFileSync(new URL(rel, root), 'utf8'));
const schemaFiles = readdirSync(new URL('contracts/events/', root), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const eventSchemaFiles = schemaFiles.filter((f) => f !== 'cloudevent.json' && !f.startsWith('_defs'));
const types = Object.keys(eventContracts) as EventType[];
const example = (type: EventType) => {
  const { context, entity, action, version } = contractFor(type);
  return readJson(`contracts/examples/${context}/${entity}.${action}.v${version}.json`);
};
const listed = (): EntryListedV1 => structuredClone(example('vn.openlgsp.catalogue.entry.listed.v1').data);
const errorsOf = (type: EventType, data: unknown) => {
  const result = validateEventData(type, data);
  assert.equal(result.ok, false, 'expected the data to be refused');
  return result.ok ? [] : result.errors;
};

// Parts meant to be extended (allOf) and closed where they are used (unevaluatedProperties: false).
const OPEN_PARTS = new Set(['_defs/common.json/$defs/entryContentFields']);
const commandFiles = readdirSync(new URL('contracts/commands/', root), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('the JSON Schemas', () => {
  it('all compile in strict mode, with formats and the x-lgsp keyword', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(ajv);
    ajv.addKeyword('x-lgsp');
    ajv.addKeyword('x-lgsp-command');
    const files = [...schemaFiles.map((f) => `events/${f}`), ...commandFiles.map((f) => `commands/${f}`)];
    for (const file of files) ajv.addSchema(readJson(`contracts/${file}`));
    for (const file of files) {
      const { $id } = readJson(`contracts/${file}`);
      assert.doesNotThrow(() => ajv.getSchema($id), `${file} does not compile`);
    }
  });

  it('close every object and bound every string and array', () => {
    const problems: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (!node || typeof node !== 'object') return;
      const s = node as Record<string, unknown>;
      const open = !('enum' in s) && !('const' in s);
      if (s.type === 'string' && open && s.maxLength === undefined)
        problems.push(`${where}: string without maxLength`);
      if (s.type === 'array' && s.maxItems === undefined) problems.push(`${where}: array without maxItems`);
      const closed = s.additionalProperties === false || s.unevaluatedProperties === false;
      if (s.type === 'object' && !closed && !OPEN_PARTS.has(where))
        problems.push(`${where}: object not closed`);
      for (const [k, v] of Object.entries(s))
        if (k !== 'x-lgsp' && k !== 'examples') walk(v, `${where}/${k}`);
    };
    for (const file of schemaFiles) walk(readJson(`contracts/events/${file}`), file);
    for (const file of commandFiles) walk(readJson(`contracts/commands/${file}`), `commands/${file}`);
    assert.deepEqual(problems, []);
  });

  it('give every event schema a title, a description and a catalogue entry', () => {
    for (const file of eventSchemaFiles) {
      const schema = readJson(`contracts/events/${file}`);
      assert.ok(schema.title && schema.description, `${file} needs a title and a description`);
      assert.ok(isEventType(schema['x-lgsp'].type), `${file} is missing from the generated catalogue`);
    }
    assert.equal(types.length, eventSchemaFiles.length);
  });
});

describe('the examples in contracts/examples', () => {
  for (const type of types) {
    it(`${type}: the envelope and the data conform`, () => {
      const event = example(type);
      assert.equal(event.type, type);
      assert.deepEqual(validateEnvelope(event), { ok: true });
      assert.deepEqual(validateEventData(type, event.data), { ok: true });
    });
  }
});

describe('validateEventData', () => {
  it('refuses control characters and bidirectional overrides in every text, and keeps tabs and line breaks', () => {
    const hostile = [
      '\u202e',
      '\u2066',
      '\u200f',
      '\u061c',
      '\u0000',
      '\u0007',
      '\u001b',
      '\u007f',
      '\u0085',
    ];
    for (const ch of hostile) {
      const data = listed();
      data.content.name = `Đất đai${ch}gnp.exe`;
      data.content.purpose = `${ch}Phục vụ`;
      const paths = errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data).map((e) => e.path);
      assert.deepEqual(paths, ['/content/name', '/content/purpose'], `U+${ch.codePointAt(0)!.toString(16)}`);
    }
    const data = listed();
    data.content.purpose = '  Phục vụ\tthủ tục\r\nđất đai\u00a0 ';
    assert.deepEqual(validateEventData('vn.openlgsp.catalogue.entry.listed.v1', data), { ok: true });
    data.content.purpose = ' \t\n ';
    assert.deepEqual(
      errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data).map((e) => e.path),
      ['/content/purpose'],
      'blank is still refused',
    );
  });

  it('points at an unknown field', () => {
    const data = listed();
    Object.assign(data.content, { foo: 1 });
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/content/foo', message: "must NOT have additional properties: 'foo'" },
    ]);
  });

  it('points at a value of the wrong type', () => {
    const data = listed();
    Object.assign(data.content, { open: 'yes' });
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/content/open', message: 'must be boolean' },
    ]);
  });

  it('points at a missing required property', () => {
    const data: Partial<EntryListedV1> = listed();
    delete data.version;
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/version', message: "must have required property 'version'" },
    ]);
  });

  it('points into arrays and refuses an oversized string', () => {
    const data = listed();
    data.content.dataFields[0]!.description = 'x'.repeat(1001);
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/content/dataFields/0/description', message: 'must NOT have more than 1000 characters' },
    ]);
  });

  it('refuses a $-prefixed key (a MongoDB operator) and escapes it as a JSON pointer', () => {
    const data = { ...listed(), $where: 'sleep(1000)', 'a/b~c': 1 };
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/$where', message: "must NOT have additional properties: '$where'" },
      { path: '/a~1b~0c', message: "must NOT have additional properties: 'a/b~c'" },
    ]);
  });

  it('reports every error at once, with the allowed values of an enum', () => {
    const data = listed();
    Object.assign(data.content, { sharingMode: 'sometimes', sector: 'Land Use' });
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.entry.listed.v1', data), [
      { path: '/content/sector', message: 'must match pattern "^[a-z0-9]+(-[a-z0-9]+)*$"' },
      { path: '/content/sharingMode', message: 'must be one of: default, request' },
    ]);
  });

  it('requires the content of an addition or amendment, and refuses it on a withdrawal', () => {
    const submitted = example('vn.openlgsp.catalogue.proposal.submitted.v1').data;
    const { content, ...withoutContent } = submitted;
    assert.deepEqual(
      errorsOf('vn.openlgsp.catalogue.proposal.submitted.v1', { ...withoutContent, kind: 'amend' }),
      [{ path: '/content', message: "must have required property 'content'" }],
    );
    assert.deepEqual(
      errorsOf('vn.openlgsp.catalogue.proposal.submitted.v1', { ...submitted, kind: 'withdraw' }),
      [{ path: '/content', message: 'is not allowed here' }],
    );
    assert.deepEqual(
      validateEventData('vn.openlgsp.catalogue.proposal.submitted.v1', {
        ...withoutContent,
        kind: 'withdraw',
      }),
      {
        ok: true,
      },
    );
    assert.ok(content);
  });

  it('refuses a service change that changes nothing', () => {
    const serviceId = '0197a1b2-7c4d-7e8f-9a01-000000000501';
    assert.deepEqual(errorsOf('vn.openlgsp.catalogue.service.changed.v1', { serviceId }), [
      { path: '', message: 'must NOT have fewer than 2 properties' },
    ]);
  });

  it('refuses an unknown event type', () => {
    assert.deepEqual(validateEventData('vn.openlgsp.catalogue.entry.exploded.v1', {}), {
      ok: false,
      errors: [{ path: '', message: "unknown event type 'vn.openlgsp.catalogue.entry.exploded.v1'" }],
    });
  });
});

describe('validateEnvelope', () => {
  const event = () => example('vn.openlgsp.catalogue.entry.listed.v1');

  it('refuses a missing attribute, an unknown one, a bad id and a bad traceparent', () => {
    const { time: _time, ...attrs } = event();
    const result = validateEnvelope({ ...attrs, id: 'not-a-uuid', traceparent: '00-xyz', colour: 'blue' });
    assert.equal(result.ok, false);
    assert.deepEqual(
      new Set(result.ok ? [] : result.errors.map((e) => e.path)),
      new Set(['/time', '/colour', '/id', '/traceparent']),
    );
  });

  it('refuses a dataschema that is not the type’s schema', () => {
    const result = validateEnvelope({
      ...event(),
      dataschema: contractFor('vn.openlgsp.catalogue.entry.amended.v1').schemaId,
    });
    assert.deepEqual(result, {
      ok: false,
      errors: [
        {
          path: '/dataschema',
          message:
            "must be 'https://contracts.openlgsp.vn/events/catalogue/entry.listed.v1.json' for type 'vn.openlgsp.catalogue.entry.listed.v1'",
        },
      ],
    });
  });

  it('refuses another specversion, content type or a date that does not exist', () => {
    assert.deepEqual(
      validateEnvelope({
        ...event(),
        specversion: '0.3',
        datacontenttype: 'text/xml',
        time: '2025-13-01T00:00:00Z',
      }),
      {
        ok: false,
        errors: [
          { path: '/specversion', message: 'must be "1.0"' },
          { path: '/time', message: 'must match format "date-time"' },
          { path: '/datacontenttype', message: 'must be "application/json"' },
        ],
      },
    );
    assert.deepEqual(validateEnvelope(null), {
      ok: false,
      errors: [{ path: '', message: 'must be object' }],
    });
  });

  it('accepts platform and agency sources only', () => {
    assert.equal(validateEnvelope({ ...event(), source: '/agencies/so-tp/hotich' }).ok, true);
    assert.equal(validateEnvelope({ ...event(), source: 'https://example.org/x' }).ok, false);
    assert.equal(validateEnvelope({ ...event(), source: '/agencies/so.tp/hotich' }).ok, false);
  });
});

describe('subjects and the catalogue', () => {
  it('gives a domain event its fixed subject', () => {
    assert.equal(subjectFor('vn.openlgsp.catalogue.entry.listed.v1'), 'lgsp.catalogue.entry.listed');
    assert.equal(
      subjectFor('vn.openlgsp.catalogue.entry.listed.v1', { agency: 'so-tp' }),
      'lgsp.catalogue.entry.listed',
    );
  });

  it('substitutes the agency in intake and rejection subjects', () => {
    assert.equal(
      subjectFor('vn.openlgsp.catalogue.service.changed.v1', { agency: 'so-nnmt' }),
      'lgsp.intake.so-nnmt.catalogue.service.changed',
    );
    assert.equal(
      subjectFor('vn.openlgsp.platform.event.rejected.v1', { agency: 'So_TP' }),
      'lgsp.rejected.So_TP',
    );
  });

  it('refuses an agency code that is missing or not NATS-token safe', () => {
    assert.throws(() => subjectFor('vn.openlgsp.catalogue.service.changed.v1'), /needs an agency code/);
    for (const agency of ['000.00.31.H41', '*', '>', 'a b', 'x', '']) {
      assert.throws(
        () => subjectFor('vn.openlgsp.catalogue.service.changed.v1', { agency }),
        /not NATS-token safe/,
        `accepted '${agency}'`,
      );
    }
  });

  it('puts a report on the reporting service’s own subject, which must be named and token safe', () => {
    const access = 'vn.openlgsp.audit.access.recorded.v1';
    assert.equal(contractFor(access).kind, 'report');
    assert.equal(subjectFor(access, { service: 'sharing' }), 'lgsp.audit.access.sharing');
    assert.throws(() => subjectFor(access), /needs a service code/);
    for (const service of ['a.b', '*', '>'])
      assert.throws(() => subjectFor(access, { service }), /not NATS-token safe/, `accepted '${service}'`);
  });

  it('describes each type by its parts', () => {
    assert.deepEqual(contractFor('vn.openlgsp.catalogue.error-report.opened.v1'), {
      ...contractFor('vn.openlgsp.catalogue.error-report.opened.v1'),
      context: 'catalogue',
      entity: 'error-report',
      action: 'opened',
      version: 1,
      kind: 'domain',
      subject: 'lgsp.catalogue.error-report.opened',
      schemaId: 'https://contracts.openlgsp.vn/events/catalogue/error-report.opened.v1.json',
    });
    assert.equal(isEventType('vn.openlgsp.catalogue.entry.listed.v1'), true);
    assert.equal(isEventType('toString'), false);
    assert.equal(isEventType(42), false);
    assert.throws(() => contractFor('nope' as EventType), /unknown event type 'nope'/);
  });
});

describe('the commands in contracts/commands', () => {
  const addition = () => ({
    content: { ...listed().content, containsStateSecrets: false },
    justification: 'Phục vụ thủ tục đất đai liên thông',
  });

  it('has one compiled command per schema file, each naming the events it may cause', () => {
    assert.equal(Object.keys(commandContracts).length, commandFiles.length);
    for (const command of Object.values(commandContracts))
      for (const type of command.emits) assert.ok(isEventType(type), `${command.name}: ${type}`);
  });

  it('accepts a proposal the event contract accepts, and refuses blank text the event would refuse', () => {
    assert.deepEqual(validateCommand('catalogue.proposal.submit', addition()), { ok: true });
    const body = addition();
    body.content.purpose = '   ';
    body.content.dataFields[0]!.description = '\t';
    const result = validateCommand('catalogue.proposal.submit', body);
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.path), [
      '/content/purpose',
      '/content/dataFields/0/description',
    ]);
  });

  it('refuses an unknown field beside the proposed content, and the flag is required', () => {
    const body = addition() as { content: Record<string, unknown> };
    body.content.colour = 'blue';
    delete body.content.containsStateSecrets;
    const result = validateCommand('catalogue.proposal.submit', body);
    assert.deepEqual(result.ok ? [] : result.errors, [
      {
        path: '/content/containsStateSecrets',
        message: "must have required property 'containsStateSecrets'",
      },
      { path: '/content/colour', message: "must NOT have additional properties: 'colour'" },
    ]);
  });

  it('refuses instants the platform could not read back: a leap second, a lower-case or spaced form', () => {
    for (const until of [
      '2026-12-31T23:59:60Z',
      '2026-12-07t09:00:00z',
      '2026-12-07 09:00:00Z',
      '2026-12-07T09:00Z',
    ])
      assert.equal(
        validateCommand('catalogue.service.suspend', { reason: 'bảo trì', until }).ok,
        false,
        until,
      );
    for (const until of ['2026-12-07T09:00:00Z', '2026-12-07T09:00:00.123456789+07:00'])
      assert.deepEqual(validateCommand('catalogue.service.suspend', { reason: 'bảo trì', until }), {
        ok: true,
      });
  });

  it('takes a sharing request over HTTP exactly as the request.filed intake event carries it', () => {
    const filed = example('vn.openlgsp.sharing.request.filed.v1').data;
    assert.deepEqual(validateCommand('sharing.request.submit', filed), { ok: true });
    assert.equal(validateCommand('sharing.request.submit', { ...filed, purpose: ' ' }).ok, false);
  });

  it('documents each command for OpenAPI 3.0 with every $ref inlined', () => {
    for (const [name, schema] of Object.entries(commandOpenApiSchemas))
      assert.ok(!JSON.stringify(schema).includes('"$ref"'), `${name} still has a $ref`);
    const { properties } = commandOpenApiSchemas['catalogue.proposal.submit'] as {
      properties: Record<string, { additionalProperties: boolean; required: string[] }>;
    };
    const content = properties.content!;
    assert.equal(content.additionalProperties, false);
    assert.ok(content.required.includes('containsStateSecrets') && content.required.includes('purpose'));
  });
});
