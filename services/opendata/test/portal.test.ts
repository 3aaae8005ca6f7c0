// The portal in the real composition (AppModule): its pages read the public read model, fed only by
// dataset events on the OPENDATA stream, and the stored file under its checksum.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AxeBuilder } from '@axe-core/playwright';
import { manualClock, type ServiceUnderTest } from '@openlgsp/http/testing';
import { FolderObjectStore } from '@openlgsp/storage';
import { chromium } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { BASE, published, sha256, versionData, waitFor } from './fixtures.js';
import { startOpendata } from './service.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_CELL = '<script>alert(1)</script>';
const CSV = Buffer.from(`ma,ten\n1,Trường Kon Tum\n2,${HOSTILE_CELL}\n`);

let sut: ServiceUnderTest;
const schools = uuidv7();
const clinics = uuidv7();
let fileId = '';

before(async () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'lgsp-portal-files-'));
  // As the authoring side stores an upload: under its checksum.
  await new FolderObjectStore(storageDir).put(`sha256/${sha256(CSV)}`, Readable.from([CSV]), {
    contentType: 'text/csv',
  });
  sut = await startOpendata(manualClock(new Date()), { STORAGE_DIR: storageDir, OPENDATA_PUBLIC_URL: BASE });
  const data = versionData({ id: schools, file: { name: 'truong.csv', bytes: CSV } });
  fileId = data.distributions[0]!.distributionId;
  // The file's link is the read side's download route, on the public URL.
  data.distributions[0]!.downloadURL = `${BASE}/opendata/catalog/datasets/${schools}/distributions/${fileId}/download`;
  await published(sut.js, data);
  await published(
    sut.js,
    versionData({
      id: clinics,
      agency: 'SYT',
      agencyName: 'Sở Y tế',
      title: { vi: 'Danh sách cơ sở khám chữa bệnh', en: 'Health facilities' },
      themes: ['HEAL'],
    }),
  );
  for (const id of [schools, clinics])
    await waitFor(`dataset ${id} in the read model`, async () => {
      const res = await fetch(`${sut.url}/opendata/catalog/datasets/${id}`);
      return res.status === 200 ? true : undefined;
    });
});

after(async () => {
  await sut?.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${sut.url}${path}`);
  return { status: res.status, body: await res.text() };
};

describe('the portal over the public read model', () => {
  it('lists the published datasets with facet counts', async () => {
    const home = await get('/opendata/portal/');
    assert.equal(home.status, 200);
    assert.ok(home.body.includes('Danh sách trường phổ thông'));
    assert.ok(home.body.includes('Danh sách cơ sở khám chữa bệnh'));
    const filtered = await get('/opendata/portal/?theme=HEAL');
    assert.ok(filtered.body.includes('Danh sách cơ sở khám chữa bệnh'));
    assert.ok(!filtered.body.includes('Danh sách trường phổ thông'));
    // The publisher facet counts each agency's datasets once.
    assert.match(home.body, /Sở Y tế <span class="count">\(1\)<\/span>/);
    assert.match(
      home.body,
      /EDUC[^<]*<span class="count">\(1\)<\/span>|Giáo dục[^<]*<span class="count">\(1\)<\/span>/,
    );
    assert.match(home.body, /CSV <span class="count">\(2\)<\/span>/);
  });

  it('shows a dataset, its CSV preview escaped and a download link that serves the file', async () => {
    const page = await get(`/opendata/portal/datasets/${schools}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes('Danh sách trường phổ thông'));
    assert.ok(page.body.includes('Trường Kon Tum'), 'the preview rows');
    assert.ok(!page.body.includes(HOSTILE_CELL), 'a cell is never markup');
    assert.ok(page.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const href = /href="([^"]*\/download)"/.exec(page.body)?.[1];
    assert.ok(href, 'a download link');
    const file = await fetch(href.replace(BASE, sut.url));
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), CSV);
  });

  it("shows a publisher's datasets", async () => {
    const page = await get('/opendata/portal/publishers/SYT');
    assert.equal(page.status, 200);
    assert.ok(page.body.includes('Sở Y tế'));
    assert.ok(page.body.includes('Danh sách cơ sở khám chữa bệnh'));
    assert.ok(!page.body.includes('Danh sách trường phổ thông'));
  });

  it('takes feedback from the form and shows its text, never the contact', async () => {
    const res = await fetch(`${sut.url}/opendata/portal/datasets/${schools}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        text: 'Xin bổ sung số điện thoại của từng trường.',
        name: 'Nguyễn Văn A',
        email: 'nguoidan@example.com',
        phone: '',
      }).toString(),
      redirect: 'manual',
    });
    assert.equal(res.status, 303);
    const location = res.headers.get('location') ?? '';
    assert.match(location, /\/opendata\/portal\/feedback\//);
    const page = await get(location.replace(/^https?:\/\/[^/]+/, ''));
    assert.equal(page.status, 200);
    assert.ok(page.body.includes('Xin bổ sung số điện thoại của từng trường.'));
    assert.ok(!page.body.includes('nguoidan@example.com'));
    assert.ok(!page.body.includes('Nguyễn Văn A'));
  });

  it('answers 404 for what does not exist', async () => {
    assert.equal((await get(`/opendata/portal/datasets/${uuidv7()}`)).status, 404);
    assert.equal((await get('/opendata/portal/publishers/NOPE')).status, 404);
    assert.equal((await get(`/opendata/portal/feedback/${uuidv7()}`)).status, 404);
  });

  it(
    'has no serious accessibility violation on the dataset page',
    {
      skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing`,
    },
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      try {
        const context = await browser.newContext({ locale: 'vi-VN' });
        const page = await context.newPage();
        const response = await page.goto(`${sut.url}/opendata/portal/datasets/${schools}`);
        assert.equal(response?.status(), 200);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.help}`);
        assert.deepEqual(serious, []);
      } finally {
        await browser.close();
      }
    },
  );
});
