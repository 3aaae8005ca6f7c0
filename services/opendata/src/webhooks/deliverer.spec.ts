import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { datasetChange } from '../feed/feed.fixtures.js';
import { deliveryRequest, headerValue } from './deliverer.js';
import { newSigningSecret } from './signing.js';

describe('a webhook delivery request', () => {
  it('carries the CloudEvent in HTTP binary mode and signs the body it sends', () => {
    const secret = newSigningSecret();
    const event = { ...datasetChange('retracted'), actor: 'Nguyễn Văn "A" 100%' };
    const { headers, body } = deliveryRequest(event, [secret], new Date());
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['ce-id'], event.id);
    assert.equal(headers['ce-type'], event.type);
    assert.equal(headers['ce-specversion'], '1.0');
    assert.equal(headers['ce-datacontenttype'], undefined, 'content-type carries it');
    assert.equal(headers['ce-actor'], 'Nguy%E1%BB%85n V%C4%83n %22A%22 100%25');
    assert.equal(decodeURIComponent(headers['ce-actor']!), event.actor);
    assert.deepEqual(JSON.parse(body), event.data);
    assert.deepEqual(new Webhook(secret).verify(body, headers), event.data);
  });

  it('percent-encodes only what a header cannot carry', () => {
    assert.equal(headerValue('/openlgsp/opendata'), '/openlgsp/opendata');
    assert.equal(headerValue('a\r\nb'), 'a%0D%0Ab');
    assert.equal(headerValue('😀'), '%F0%9F%98%80');
  });
});
