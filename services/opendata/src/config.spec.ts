import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opendataConfigFromEnv } from './config.js';

describe('opendata settings', () => {
  it('defaults: 200 MB uploads, every built-in licence, CC BY 4.0 by default', () => {
    const config = opendataConfigFromEnv({});
    assert.equal(config.uploadMaxBytes, 200 * 1024 * 1024);
    assert.equal(config.defaultLicence, 'CC-BY-4.0');
    assert.ok(config.licences.length >= 6);
  });

  it('narrows the licence list, and refuses one it does not know or a default outside it', () => {
    const config = opendataConfigFromEnv({ OPENDATA_LICENCES: 'CC-BY-4.0, CC0-1.0' });
    assert.deepEqual(
      config.licences.map((l) => l.id),
      ['CC-BY-4.0', 'CC0-1.0'],
    );
    assert.throws(() => opendataConfigFromEnv({ OPENDATA_LICENCES: 'GPL-3.0' }), /OPENDATA_LICENCES/);
    assert.throws(
      () => opendataConfigFromEnv({ OPENDATA_LICENCES: 'CC0-1.0' }),
      /default licence CC-BY-4.0 is not in the list/,
    );
  });

  it('refuses numbers out of range, naming the variable', () => {
    assert.throws(
      () => opendataConfigFromEnv({ OPENDATA_UPLOAD_MAX_BYTES: '10' }),
      /OPENDATA_UPLOAD_MAX_BYTES/,
    );
    assert.throws(
      () => opendataConfigFromEnv({ OPENDATA_FRESHNESS_TICK_MS: 'soon' }),
      /OPENDATA_FRESHNESS_TICK_MS/,
    );
    assert.throws(
      () => opendataConfigFromEnv({ OPENDATA_PUBLIC_BASE_URL: 'ftp://x' }),
      /OPENDATA_PUBLIC_BASE_URL/,
    );
  });

  it('builds links on the public base URL to the routes that serve them', () => {
    const { links } = opendataConfigFromEnv({
      OPENDATA_PUBLIC_BASE_URL: 'https://data.example.vn/opendata/',
    });
    assert.equal(
      links.download('d', 2, 'f', 'trường học.csv'),
      'https://data.example.vn/opendata/catalog/datasets/d/versions/2/distributions/f/download',
    );
    assert.equal(links.dataset('d'), 'https://data.example.vn/opendata/portal/datasets/d');
  });
});
