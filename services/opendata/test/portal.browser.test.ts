// The portal in a real browser: Debian's chromium driven by playwright-core, against the service
// on real engines. Search with a facet, open a dataset, its preview and download link, English,
// feedback sent without JavaScript; axe finds no serious or critical violation on each page type.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { chromiumLaunchOptions, withoutChromium } from '@openlgsp/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FILE_ID, MONDAY } from '../src/common/fixtures.js';
import { HOSTILE, schoolsPortalDataset, schoolsVersion } from '../src/portal/portal.fixtures.js';
import { PORTAL_READ_MODEL, type PortalDataset } from '../src/portal/portal.read-model.js';
import type { StoredPortalReadModel } from './portal-read-model.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../../.lgsp/', import.meta.url));
const SCHOOLS = '0197a1b2-7c4d-7e8f-9a01-0000000000d1';
const BUDGET = '0197a1b2-7c4d-7e8f-9a01-0000000000d2';

/** A second dataset from another publisher and theme, whose description is hostile markup. */
function budgetDataset(): PortalDataset {
  const version = schoolsVersion(BUDGET);
  version.ownerAgency = 'STC';
  version.metadata.title = { vi: 'Dự toán ngân sách tỉnh', en: 'Provincial budget estimates' };
  version.metadata.description = {
    vi: `Dự toán thu chi ngân sách hằng năm. ${HOSTILE.script} ${HOSTILE.markup}`,
    en: `Annual revenue and spending estimates. ${HOSTILE.script}`,
  };
  version.metadata.themes = ['ECON'];
  version.metadata.publisher = { agency: 'STC', name: 'Sở Tài chính' };
  version.distributions = version.distributions.filter((d) => d.kind !== 'file');
  return {
    dataset: { version, issued: MONDAY, retracted: false },
    nextUpdateDue: '2026-01-15',
    previews: {},
  };
}

/** The schools dataset, its CSV preview with a formula and markup in its cells. */
function schoolsDataset(): PortalDataset {
  const data = schoolsPortalDataset();
  data.previews[FILE_ID]!.rows.push([HOSTILE.formula, HOSTILE.script, '0']);
  return data;
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the portal in a browser', { skip: withoutChromium() }, () => {
  let sut: ServiceUnderTest;
  let browser: Browser;
  const dialogs: string[] = [];

  const open = async (path: string, options: { javaScriptEnabled?: boolean } = {}) => {
    const context = await browser.newContext({ locale: 'vi-VN', ...options });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(`${sut.url}${path}`);
    return { page, response, context };
  };

  before(async () => {
    sut = await startService({
      service: 'opendata',
      appModule: async () => (await import('./portal-app.module.js')).PortalTestAppModule,
    });
    const store = sut.app.get<StoredPortalReadModel>(PORTAL_READ_MODEL, { strict: false });
    await store.seed([schoolsDataset(), budgetDataset()]);
    // launch() gives chromium a fresh, empty --user-data-dir of its own and removes it on close.
    browser = await chromium.launch(chromiumLaunchOptions());
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await sut?.stop();
    assert.deepEqual(dialogs, [], 'no script from the data ran (no dialog opened)');
  });

  it('searches with a facet and finds only the matching dataset', async () => {
    const { page, response, context } = await open('/opendata/portal/');
    assert.equal(response?.status(), 200);
    // The portal's own policy, stricter than the API's: no script at all, styles from the service.
    assert.match(
      (await response?.headerValue('content-security-policy')) ?? '',
      /default-src 'none'; style-src 'self'/,
    );
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    assert.equal(await page.locator('ol.results > li').count(), 2, 'both datasets before filtering');
    await page.getByLabel('Giáo dục, văn hóa và thể thao').check();
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.waitForURL(/theme=EDUC/);
    const titles = await page.locator('ol.results h3 a').allTextContents();
    assert.deepEqual(titles, ['Danh sách trường phổ thông']);
    assert.ok(await page.getByLabel('Giáo dục, văn hóa và thể thao').isChecked(), 'the facet stays chosen');
    await page.getByRole('link', { name: 'Bỏ mọi bộ lọc' }).click();
    await page.getByLabel('Tìm tập dữ liệu').fill('ngân sách');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.waitForURL(/q=/);
    assert.deepEqual(await page.locator('ol.results h3 a').allTextContents(), ['Dự toán ngân sách tỉnh']);
    assert.ok(
      (await page.locator('ol.results p').first().textContent())?.includes('<script>alert("xss")</script>'),
      'hostile markup shown as text',
    );
    assert.deepEqual(await seriousViolations(page), []);
    await page.goto(`${sut.url}/opendata/portal/`);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-home.png'), fullPage: true });
    await context.close();
  });

  it('opens a dataset: metadata, CSV preview as text, download and API links, JSON-LD', async () => {
    const { page, context } = await open('/opendata/portal/');
    await page.getByRole('link', { name: 'Danh sách trường phổ thông' }).click();
    await page.waitForURL(new RegExp(`/opendata/portal/datasets/${SCHOOLS}$`));
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Danh sách trường phổ thông');
    const preview = page.locator('.preview table');
    assert.equal(await preview.locator('tbody tr').count(), 3);
    assert.equal(
      await preview.locator('tbody tr').nth(2).locator('td').first().textContent(),
      HOSTILE.formula,
    );
    assert.equal(await preview.locator('tbody tr').nth(2).locator('td').nth(1).textContent(), HOSTILE.script);
    const download = page.getByRole('link', { name: /^Tải xuống/ });
    assert.match(
      (await download.getAttribute('href')) ?? '',
      new RegExp(`/datasets/${SCHOOLS}/versions/1/distributions/${FILE_ID}/truong-hoc\\.csv$`),
    );
    assert.equal(
      await page.getByRole('link', { name: 'API CKAN (package_show)' }).getAttribute('href'),
      `/opendata/api/3/action/package_show?id=${SCHOOLS}`,
    );
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
    assert.equal(ld['@type'], 'Dataset');
    assert.equal(ld.name, 'Danh sách trường phổ thông');
    assert.match(
      await page.locator('#freshness ~ p, section[aria-labelledby="freshness"] p').first().innerText(),
      /2027/,
    );
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-dataset.png'), fullPage: true });
    await context.close();
  });

  it('switches to English and back, keeping the query', async () => {
    const { page, context } = await open('/opendata/portal/?theme=EDUC');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    assert.ok(page.url().includes('theme=EDUC'), page.url());
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('link', { name: 'General education schools' }).click();
    await page.waitForURL(/datasets\/.*lang=en/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'General education schools');
    assert.ok(await page.getByText('Up to date').isVisible());
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await page.waitForURL((url) => !url.search.includes('lang='));
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await context.close();
  });

  it('sends feedback with a plain form, without JavaScript, and shows its page', async () => {
    const { page, context } = await open(`/opendata/portal/datasets/${SCHOOLS}`, {
      javaScriptEnabled: false,
    });
    await page.getByLabel('Nội dung góp ý').fill('ngắn');
    await page.getByRole('button', { name: 'Gửi góp ý' }).click();
    await page.waitForLoadState();
    assert.ok(await page.getByRole('alert').isVisible(), 'the problems are listed');
    assert.equal(await page.getByLabel('Nội dung góp ý').inputValue(), 'ngắn', 'what was typed is kept');

    await page
      .getByLabel('Nội dung góp ý')
      .fill(`Xin bổ sung số điện thoại của từng trường. ${HOSTILE.script}`);
    await page.getByLabel(/^Thư điện tử/).fill('dan@example.vn');
    await page.getByRole('button', { name: 'Gửi góp ý' }).click();
    await page.waitForURL(/\/opendata\/portal\/feedback\/[0-9a-f-]{36}\?sent=1$/);
    assert.ok(await page.getByText('Cảm ơn bạn! Góp ý đã được gửi.').isVisible());
    assert.ok(
      await page.getByText(`Xin bổ sung số điện thoại của từng trường. ${HOSTILE.script}`).isVisible(),
    );
    assert.ok(!(await page.content()).includes('dan@example.vn'), "the sender's contact is never shown");
    const feedbackUrl = page.url();
    await context.close();

    const withScript = await open(new URL(feedbackUrl).pathname + new URL(feedbackUrl).search);
    assert.deepEqual(await seriousViolations(withScript.page), []);
    await withScript.page.goto(`${sut.url}/opendata/portal/datasets/${SCHOOLS}`);
    assert.ok(
      await withScript.page
        .locator('ul.feedback blockquote')
        .getByText('Xin bổ sung số điện thoại')
        .isVisible(),
      'the feedback is listed on the dataset page',
    );
    await withScript.context.close();
  });

  it('shows a publisher page and a not-found page, both accessible', async () => {
    const { page, context } = await open('/opendata/portal/publishers/STC');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Dữ liệu mở của Sở Tài chính');
    assert.deepEqual(await page.locator('ol.results h3 a').allTextContents(), ['Dự toán ngân sách tỉnh']);
    assert.deepEqual(await seriousViolations(page), []);
    const missing = await page.goto(`${sut.url}/opendata/portal/datasets/nothing-here?lang=en`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page not found');
    await context.close();
  });
});
