import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Html } from '@openlgsp/http';
import { DEFAULT_LICENCES } from '../vocabularies/licences.js';
import { local } from '../common/fixtures.js';
import { answeredFeedback, HOSTILE, schoolsPortalDataset, summaryOf } from './portal.fixtures.js';
import { portalDcatLinks, portalPaths } from './portal.links.js';
import {
  datasetPage,
  feedbackPage,
  homePage,
  notFoundPage,
  publisherPage,
  type PageContext,
} from './portal.pages.js';
import { searchParamsOf } from './portal.query.js';
import type { PortalDataset, PortalSearchResult } from './portal.read-model.js';

/** The page with its whitespace collapsed, so assertions read like the markup they look for. */
const flat = (page: Html) =>
  page.text
    .replace(/\s+/g, ' ')
    .replace(/\s+(\/?>)/g, '$1')
    .replace(/>\s+</g, '><');

const links = portalDcatLinks('https://opendata.example.gov.vn');
const vi: PageContext = { lang: 'vi', currentUrl: '/opendata/portal/?q=tr%C6%B0%E1%BB%9Dng&theme=EDUC' };
const en: PageContext = { lang: 'en', currentUrl: '/opendata/portal/?q=school&lang=en' };
const NOW = local('2026-06-01T09:00:00');

/** A dataset whose every publisher-written text is hostile. */
function hostileDataset(): PortalDataset {
  const data = schoolsPortalDataset();
  const v = data.dataset.version;
  v.metadata.title = { vi: HOSTILE.script, en: HOSTILE.markup };
  v.metadata.description = { vi: HOSTILE.closeJsonLd, en: HOSTILE.script };
  v.metadata.keywords = { vi: [HOSTILE.markup], en: [HOSTILE.script] };
  v.metadata.publisher.name = HOSTILE.markup;
  v.distributions[0]!.title = { vi: HOSTILE.script, en: HOSTILE.script };
  v.distributions[1]!.accessURL = 'javascript:alert(3)';
  const fileId = v.distributions[0]!.distributionId;
  data.previews[fileId] = { columns: [HOSTILE.script], rows: [[HOSTILE.formula], [HOSTILE.markup]] };
  return data;
}

/** Markup a browser would run or load: script elements other than JSON-LD, handlers, script URLs. */
function assertInert(page: string) {
  const scripts = [...page.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]!.trim());
  assert.ok(
    scripts.every((attrs) => attrs === 'type="application/ld+json"'),
    `only JSON-LD script elements, got: ${scripts.join(' | ')}`,
  );
  assert.ok(!/<img\b/i.test(page), 'no img element from the data');
  assert.ok(!/<[^>]*\son[a-z]+=/i.test(page), 'no event handler attribute');
  assert.ok(!/href="javascript:/i.test(page), 'no javascript: link');
}

function jsonLdOf(page: string): Record<string, unknown> {
  const m = page.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  assert.ok(m, 'a JSON-LD script element');
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

describe('portal pages', () => {
  it('escapes hostile titles, descriptions, keywords, publisher names, previews and feedback on the dataset page', () => {
    const feedback = [
      answeredFeedback({
        text: HOSTILE.script,
        answer: { text: HOSTILE.markup, at: '2026-03-09T02:00:00.000Z' },
      }),
    ];
    for (const ctx of [vi, en]) {
      const page = flat(
        datasetPage(ctx, {
          data: hostileDataset(),
          feedback,
          now: NOW,
          links,
          licences: DEFAULT_LICENCES,
        }),
      );
      assertInert(page);
      assert.ok(
        page.includes('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'),
        'the script shown as text',
      );
      assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the markup shown as text');
      assert.ok(page.includes(`<td>=cmd|&#39; /C calc&#39;!A0</td>`), 'the formula cell shown as written');
      assert.ok(page.includes('href="#"'), 'the javascript: access URL made inert');
    }
  });

  it('embeds a parseable schema.org Dataset whose hostile text cannot close the script element', () => {
    const page = flat(
      datasetPage(vi, {
        data: hostileDataset(),
        feedback: [],
        now: NOW,
        links,
        licences: DEFAULT_LICENCES,
      }),
    );
    const ld = jsonLdOf(page);
    assert.equal(ld['@type'], 'Dataset');
    assert.equal(ld.name, HOSTILE.script);
    assert.equal(ld.description, HOSTILE.closeJsonLd);
    assert.equal(
      ld.url,
      'https://opendata.example.gov.vn/opendata/portal/datasets/0197a1b2-7c4d-7e8f-9a01-0000000000d1',
    );
    assert.equal(page.match(/<\/script>/g)?.length, 1, 'one closing tag: the JSON-LD one');
  });

  it('shows the dataset in the chosen language with its download, API links, preview and freshness', () => {
    const data = schoolsPortalDataset();
    const id = data.dataset.version.datasetId;
    const file = data.dataset.version.distributions.find((d) => d.kind === 'file')!;
    const viPage = flat(
      datasetPage(vi, {
        data,
        feedback: [answeredFeedback()],
        now: NOW,
        links,
        licences: DEFAULT_LICENCES,
      }),
    );
    const enPage = flat(datasetPage(en, { data, feedback: [], now: NOW, links, licences: DEFAULT_LICENCES }));
    assert.match(viPage, /<html lang="vi">/);
    assert.match(enPage, /<html lang="en">/);
    assert.match(viPage, /<h1>Danh sách trường phổ thông<\/h1>/);
    assert.match(enPage, /<h1>General education schools<\/h1>/);
    assert.ok(viPage.includes(`href="${file.downloadURL}"`), 'the download link');
    assert.ok(viPage.includes(`/opendata/api/3/action/package_show?id=${id}`), 'the CKAN link');
    assert.ok(viPage.includes(`/opendata/catalog/datasets/${id}.jsonld`), 'the DCAT JSON-LD link');
    assert.ok(viPage.includes('<td>Trường THPT Kon Tum</td>'), 'the preview rows');
    assert.ok(viPage.includes('Đúng hạn'), 'on time');
    assert.ok(viPage.includes('Sở sẽ bổ sung trong phiên bản tới.'), 'the public answer');
    assert.ok(enPage.includes('Up to date'));
    assert.ok(
      viPage.includes(`action="/opendata/portal/datasets/${id}/feedback"`),
      'the form posts to the portal',
    );
    assert.ok(
      enPage.includes(`action="/opendata/portal/datasets/${id}/feedback?lang=en"`),
      'and keeps English',
    );
  });

  it('marks an overdue dataset with the days late', () => {
    const data = schoolsPortalDataset({ nextUpdateDue: '2026-05-20' });
    const page = flat(datasetPage(en, { data, feedback: [], now: NOW, links, licences: DEFAULT_LICENCES }));
    assert.ok(
      page.includes('Update overdue by 12 days'),
      page.match(/<section aria-labelledby="freshness">[\s\S]*?<\/section>/)?.[0],
    );
  });

  it('offers no form on a retracted dataset', () => {
    const data = schoolsPortalDataset();
    data.dataset.retracted = true;
    const page = flat(datasetPage(vi, { data, feedback: [], now: NOW, links, licences: DEFAULT_LICENCES }));
    assert.ok(page.includes('đã bị thu hồi'));
    assert.ok(!page.includes('<form method="post"'));
  });

  it('shows the problems of a refused feedback beside their fields, with what was typed', () => {
    const page = flat(
      datasetPage(vi, {
        data: schoolsPortalDataset(),
        feedback: [],
        now: NOW,
        links,
        licences: DEFAULT_LICENCES,
        form: {
          values: { text: HOSTILE.script, name: '', email: 'not-an-email', phone: '' },
          problems: [{ path: '/sender/email', message: "'not-an-email' is not an email address" }],
          rateLimited: false,
        },
      }),
    );
    assert.ok(page.includes('href="#fb-email">Địa chỉ thư điện tử không hợp lệ.</a>'));
    assert.ok(
      page.includes(
        'id="fb-email" name="email" autocomplete="email" maxlength="300" value="not-an-email" aria-invalid="true"',
      ),
    );
    assert.ok(/> ?&lt;script&gt;alert\(&quot;xss&quot;\)&lt;\/script&gt;<\/textarea>/.test(page));
  });

  it('renders the home page with checked facets, counts, results and a language switch keeping the query', () => {
    const data = schoolsPortalDataset();
    const params = searchParamsOf({ q: 'trường', theme: 'EDUC' });
    const result: PortalSearchResult = {
      items: [summaryOf(data)],
      total: 1,
      facets: {
        theme: [{ value: 'EDUC', count: 1 }],
        publisher: [{ value: 'SGDDT', count: 1, label: { vi: HOSTILE.markup } }],
        format: [{ value: 'CSV', count: 1 }],
      },
      next: 'c2',
    };
    const page = flat(homePage(vi, params, result));
    assertInert(page);
    assert.ok(page.includes('name="theme" value="EDUC" checked'), 'the chosen theme checked');
    assert.ok(
      page.includes('Giáo dục, văn hóa và thể thao <span class="count">(1)</span>'),
      'the theme label and count',
    );
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'), 'a hostile facet label as text');
    assert.ok(page.includes('value="trường"'), 'the query kept in the box');
    assert.ok(
      page.includes('href="/opendata/portal/?q=tr%C6%B0%E1%BB%9Dng&amp;theme=EDUC&amp;lang=en"'),
      'the switch to English',
    );
    assert.ok(
      page.includes('rel="next" href="/opendata/portal/?q=tr%C6%B0%E1%BB%9Dng&amp;theme=EDUC&amp;cursor=c2"'),
    );
    assert.ok(page.includes('1 tập dữ liệu'));
    const english = flat(homePage(en, params, { ...result, items: [], total: 0 }));
    assert.ok(english.includes('<input type="hidden" name="lang" value="en"/>'));
    assert.ok(
      english.includes('href="/opendata/portal/?q=school"'),
      'the switch back to Vietnamese drops lang',
    );
    assert.ok(english.includes('No dataset found.'));
  });

  it('escapes hostile text on the publisher and feedback pages and never shows a sender', () => {
    const data = hostileDataset();
    const publisher = flat(
      publisherPage(vi, {
        code: 'SGDDT',
        name: HOSTILE.markup,
        datasets: [summaryOf(data)],
      }),
    );
    assertInert(publisher);
    const feedback = flat(
      feedbackPage(
        en,
        answeredFeedback({
          text: HOSTILE.script,
          answer: { text: HOSTILE.closeJsonLd, at: '2026-03-09T02:00:00.000Z' },
        }),
        { datasetId: data.dataset.version.datasetId, title: data.dataset.version.metadata.title },
        true,
      ),
    );
    assertInert(feedback);
    assert.ok(feedback.includes('Thank you! Your feedback was sent.'));
    assert.ok(feedback.includes('Answered'));
    assert.ok(!feedback.includes('@'), 'no contact details');
  });

  it('answers a not-found page in the chosen language', () => {
    assert.match(flat(notFoundPage(en)), /<h1>Page not found<\/h1>/);
    assert.match(flat(notFoundPage(vi)), /<h1>Không tìm thấy trang<\/h1>/);
  });

  it('switches language keeping every other query parameter', () => {
    assert.equal(
      portalPaths.switchLanguage('/opendata/portal/?q=a&format=CSV&lang=en', 'vi'),
      '/opendata/portal/?q=a&format=CSV',
    );
    assert.equal(
      portalPaths.switchLanguage('/opendata/portal/datasets/x?sent=1', 'en'),
      '/opendata/portal/datasets/x?sent=1&lang=en',
    );
  });

  it('bounds what a search URL asks', () => {
    const params = searchParamsOf({
      q: 'x'.repeat(500),
      format: Array.from({ length: 50 }, (_, i) => `F${i}`),
      cursor: 'c'.repeat(600),
    });
    assert.equal(params.q.length, 200);
    assert.equal(params.filters.format.length, 20);
    assert.equal(params.cursor, undefined);
  });
});
