import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { MalformedEventError, fromNatsMessage, toNatsMessage } from './binding.js';
import type { LgspEvent } from './envelope.js';

/** An event with every attribute and extension this platform knows, and data that is not ASCII. */
const complete: LgspEvent = {
  id: '0197a1b2-8000-7000-8000-000000000021',
  specversion: '1.0',
  type: 'vn.openlgsp.catalogue.data-error.reported.v1',
  source: '/agencies/so-tp/hotich',
  subject: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
  time: '2025-11-20T03:00:00Z',
  datacontenttype: 'application/json',
  dataschema: 'https://contracts.openlgsp.vn/events/catalogue/data-error.reported.v1.json',
  agency: 'so-tp',
  actor: 'key-so-tp-system',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'lgsp=1',
  data: {
    entryId: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
    field: 'area',
    description: 'Diện tích thửa đất khác với giấy chứng nhận.',
    nested: { list: [1, 2.5, null, true], empty: {} },
  },
};

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Headers of a well-formed binary-mode event, to spoil one thing at a time. */
function headersOf(attributes: Record<string, string>, contentType?: string): MsgHdrs {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(attributes)) h.set(`ce-${name}`, value);
  if (contentType !== undefined) h.set('content-type', contentType);
  return h;
}
const required = { id: 'e-1', specversion: '1.0', type: 'vn.openlgsp.x.v1', source: '/agencies/so-tp/x' };

/** The reasons fromNatsMessage gives for refusing a message (fails if it accepts it). */
function refusal(h: MsgHdrs | undefined, body: Uint8Array): MalformedEventError['reasons'] {
  try {
    fromNatsMessage(h, body);
  } catch (err) {
    assert.ok(err instanceof MalformedEventError, `expected a MalformedEventError, got ${String(err)}`);
    return err.reasons;
  }
  assert.fail('expected the message to be refused, but it was read as an event');
}

describe('CloudEvents NATS binding, binary content mode', () => {
  it('carries every attribute and extension through a round trip unchanged', () => {
    const { headers, body } = toNatsMessage(complete);
    assert.deepEqual(
      fromNatsMessage(headers, body),
      complete,
      'the event read back should equal the event sent',
    );
  });

  it('puts attributes in ce- headers, the content type in content-type and the data alone in the body', () => {
    const { headers, body } = toNatsMessage(complete);
    assert.equal(headers.get('ce-id'), complete.id);
    assert.equal(headers.get('ce-type'), complete.type);
    assert.equal(headers.get('ce-agency'), 'so-tp', 'extensions travel as ce- headers too');
    assert.equal(headers.get('ce-traceparent'), complete.traceparent);
    assert.equal(headers.get('content-type'), 'application/json');
    assert.equal(
      headers.has('ce-datacontenttype'),
      false,
      'datacontenttype should travel only as content-type',
    );
    assert.deepEqual(
      JSON.parse(new TextDecoder().decode(body)),
      complete.data,
      'the body should be the data as JSON',
    );
  });

  it('uses the event id as Nats-Msg-Id so that JetStream drops a republished duplicate', () => {
    const { headers } = toNatsMessage(complete);
    assert.equal(headers.get('Nats-Msg-Id'), complete.id);
  });

  it('leaves out optional attributes the event does not have', () => {
    const minimal: LgspEvent = {
      id: 'e-2',
      specversion: '1.0',
      type: 'vn.openlgsp.x.v1',
      source: '/openlgsp/x',
      time: '2025-11-20T03:00:00Z',
      datacontenttype: 'application/json',
      data: { ok: true },
    };
    const { headers, body } = toNatsMessage(minimal);
    for (const name of ['subject', 'dataschema', 'agency', 'actor', 'traceparent', 'tracestate'])
      assert.equal(
        headers.has(`ce-${name}`),
        false,
        `no ce-${name} header expected for an event without ${name}`,
      );
    assert.deepEqual(fromNatsMessage(headers, body), minimal);
  });

  it('reads header names case-insensitively and accepts a charset parameter on application/json', () => {
    const h = natsHeaders();
    h.set('CE-ID', 'e-3');
    h.set('Ce-Specversion', '1.0');
    h.set('ce-type', 'vn.openlgsp.x.v1');
    h.set('ce-source', '/openlgsp/x');
    h.set('content-type', 'application/json; charset=utf-8');
    const event = fromNatsMessage(h, utf8('{"a":1}'));
    assert.equal(event.id, 'e-3');
    assert.equal(event.specversion, '1.0');
    assert.equal(event.datacontenttype, 'application/json', 'the content type is normalised');
    assert.deepEqual(event.data, { a: 1 });
  });

  it('refuses an attribute this platform does not know, naming it', () => {
    const reasons = refusal(headersOf({ ...required, colour: 'blue' }), utf8('{}'));
    assert.deepEqual(reasons, [
      { code: 'unknown-attribute', path: '/colour', message: "unknown attribute 'colour'" },
    ]);
  });

  it('refuses a message without the required attributes, listing each one missing', () => {
    const reasons = refusal(headersOf({ specversion: '1.0', type: 'vn.openlgsp.x.v1' }), utf8('{}'));
    assert.deepEqual(
      reasons.map((r) => [r.code, r.path]),
      [
        ['missing-attribute', '/id'],
        ['missing-attribute', '/source'],
      ],
    );
  });

  it('refuses a message with no headers at all as missing every required attribute', () => {
    const reasons = refusal(undefined, utf8('{}'));
    assert.deepEqual(
      reasons.map((r) => r.path),
      ['/id', '/specversion', '/type', '/source'],
    );
    assert.ok(reasons.every((r) => r.code === 'missing-attribute'));
  });

  it('refuses a specversion other than 1.0', () => {
    const reasons = refusal(headersOf({ ...required, specversion: '0.3' }), utf8('{}'));
    assert.deepEqual(
      reasons.map((r) => [r.code, r.path]),
      [['unsupported-specversion', '/specversion']],
    );
  });

  it('refuses data that is not JSON', () => {
    const reasons = refusal(headersOf(required, 'application/json'), utf8('{"unterminated": '));
    assert.deepEqual(reasons, [
      { code: 'malformed-data', path: '/data', message: 'data is not valid UTF-8 JSON' },
    ]);
  });

  it('refuses data that is not UTF-8, even when the bytes would parse leniently', () => {
    // "\"\xff\"": a JSON string whose content is one byte that is never valid UTF-8.
    const reasons = refusal(headersOf(required, 'application/json'), new Uint8Array([0x22, 0xff, 0x22]));
    assert.deepEqual(
      reasons.map((r) => [r.code, r.path]),
      [['malformed-data', '/data']],
    );
  });

  it('refuses a content type other than application/json, saying which one it got', () => {
    const reasons = refusal(headersOf(required, 'text/plain'), utf8('"hello"'));
    assert.deepEqual(reasons, [
      {
        code: 'unsupported-content-type',
        path: '/datacontenttype',
        message: "datacontenttype must be application/json, not 'text/plain'",
      },
    ]);
  });

  it('gives every reason at once when several things are wrong', () => {
    const h = headersOf(
      { id: 'e-4', specversion: '1.0', type: 'vn.openlgsp.x.v1', size: 'XL' },
      'application/xml',
    );
    const reasons = refusal(h, utf8('<data/>'));
    assert.deepEqual(reasons.map((r) => r.code).sort(), [
      'malformed-data',
      'missing-attribute',
      'unknown-attribute',
      'unsupported-content-type',
    ]);
    const err = new MalformedEventError(reasons);
    assert.match(
      err.message,
      /unknown attribute 'size'.*attribute 'source' is required/,
      'the error message joins the reasons',
    );
  });
});
