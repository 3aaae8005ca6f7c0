import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, Html, jsonLdScript, safeHref } from './html.js';

const HOSTILE = {
  script: '<script>alert("xss")</script>',
  markup: '<img src=x onerror=alert(1)>',
  closeJsonLd: '</script><script>alert(2)</script>',
} as const;

describe('server-rendered html', () => {
  it('escapes every interpolated text, in content and in attributes', () => {
    const out = html`<p title="${HOSTILE.markup}">${HOSTILE.script}</p>`.text;
    assert.equal(
      out,
      '<p title="&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;</p>',
    );
  });

  it('keeps markup made by the tag and escapes the text inside it once', () => {
    const inner = html`<b>${'a & b'}</b>`;
    assert.equal(
      html`<p>${inner}${[html`<i>1</i>`, '<2>']}</p>`.text,
      '<p><b>a &amp; b</b><i>1</i>&lt;2&gt;</p>',
    );
  });

  it('shows nothing for null, undefined and false, and numbers as text', () => {
    assert.equal(html`${null}${undefined}${false}${0}`.text, '0');
  });

  it('cannot be made outside the tag', () => {
    assert.throws(
      () => new (Html as unknown as new (t: symbol, s: string) => Html)(Symbol('trusted markup'), '<x>'),
    );
  });

  it('escapes quotes and backticks', () => {
    assert.equal(escapeHtml(`"'\``), '&quot;&#39;&#96;');
  });

  it('embeds JSON-LD that cannot close its script element and parses back to the same value', () => {
    const data = { name: HOSTILE.closeJsonLd, note: '<!-- & \u2028' };
    const out = jsonLdScript(data).text;
    const body = out.slice('<script type="application/ld+json">'.length, -'</script>'.length);
    assert.ok(!body.includes('<'), `no < inside: ${body}`);
    assert.deepEqual(JSON.parse(body), data);
  });

  it('turns script and data URLs into an inert #', () => {
    assert.equal(safeHref('javascript:alert(1)'), '#');
    assert.equal(safeHref('data:text/html,<b>x</b>'), '#');
    assert.equal(safeHref('//evil.example/x'), '#');
    assert.equal(safeHref('/opendata/portal/'), '/opendata/portal/');
    assert.equal(safeHref('https://lgsp.example.gov.vn/a b'), 'https://lgsp.example.gov.vn/a%20b');
  });
});
