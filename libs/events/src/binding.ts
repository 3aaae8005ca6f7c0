import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { EVENT_ATTRIBUTES, type LgspEvent } from './envelope.js';

/**
 * The CloudEvents NATS protocol binding, binary content mode: attributes travel as `ce-<name>`
 * headers, `datacontenttype` as `content-type`, and the data as the body. `Nats-Msg-Id` carries the
 * event id so that JetStream deduplicates a republished event.
 */
export function toNatsMessage(event: LgspEvent): { headers: MsgHdrs; body: Uint8Array } {
  const h = natsHeaders();
  for (const name of EVENT_ATTRIBUTES) {
    if (name === 'datacontenttype') continue;
    const value = event[name];
    if (typeof value === 'string') h.set(`ce-${name}`, value);
  }
  h.set('content-type', event.datacontenttype);
  h.set('Nats-Msg-Id', event.id);
  return { headers: h, body: encodeData(event.data) };
}

export function encodeData(data: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(data));
}

export class MalformedEventError extends Error {
  constructor(readonly reasons: { code: string; path?: string; message: string }[]) {
    super(reasons.map((r) => r.message).join('; '));
  }
}

/** Reads a binary-mode CloudEvent from NATS headers and body; refuses anything that is not one. */
export function fromNatsMessage(h: MsgHdrs | undefined, body: Uint8Array): LgspEvent {
  const attributes: Record<string, string> = {};
  if (h) {
    for (const key of h.keys()) {
      const lower = key.toLowerCase();
      if (lower.startsWith('ce-')) attributes[lower.slice(3)] = h.get(key);
    }
    const contentType = h.get('content-type');
    if (contentType) attributes.datacontenttype = contentType;
  }
  return assembleEvent(attributes, body);
}

/** Shared by the NATS and HTTP bindings: attributes plus raw JSON body → a checked event. */
export function assembleEvent(attributes: Record<string, string>, body: Uint8Array | string): LgspEvent {
  const reasons: { code: string; path?: string; message: string }[] = [];
  for (const name of Object.keys(attributes)) {
    if (!(EVENT_ATTRIBUTES as readonly string[]).includes(name))
      reasons.push({ code: 'unknown-attribute', path: `/${name}`, message: `unknown attribute '${name}'` });
  }
  for (const name of ['id', 'specversion', 'type', 'source'] as const) {
    if (!attributes[name])
      reasons.push({
        code: 'missing-attribute',
        path: `/${name}`,
        message: `attribute '${name}' is required`,
      });
  }
  if (attributes.specversion && attributes.specversion !== '1.0')
    reasons.push({
      code: 'unsupported-specversion',
      path: '/specversion',
      message: 'specversion must be 1.0',
    });
  const contentType = (attributes.datacontenttype ?? 'application/json').split(';')[0]!.trim();
  if (contentType !== 'application/json')
    reasons.push({
      code: 'unsupported-content-type',
      path: '/datacontenttype',
      message: `datacontenttype must be application/json, not '${contentType}'`,
    });
  let data: unknown;
  try {
    const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
    data = text.length ? JSON.parse(text) : undefined;
  } catch {
    reasons.push({ code: 'malformed-data', path: '/data', message: 'data is not valid UTF-8 JSON' });
  }
  if (reasons.length) throw new MalformedEventError(reasons);
  return { ...attributes, datacontenttype: 'application/json', data } as LgspEvent;
}
