import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import rdf from '@zazuko/env-node';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { waitFor as waitForValue, type ServiceUnderTest } from '@openlgsp/http/testing';
import { auditFilesIn, decideProposal, startPlatform } from './platform.js';
import { assertTrace } from './traces.js';

/**
 * The whole open-data journey on the catalogue, opendata and audit services together (one nats-server,
 * one FerretDB): an entry listed open becomes publishable, a CSV is checked and kept, the draft goes
 * through review to publication, the public side finds it (search, CKAN, DCAT-AP 3) and serves the
 * same bytes, and withdrawing the entry retracts it — each call's events in the call's own trace, in
 * an audit trail whose chain verifies.
 */
const dir = mkdtempSync(join(tmpdir(), 'lgsp-e2e-opendata-journey-'));
let platform: Awaited<ReturnType<typeof startPlatform<'audit' | 'catalogue' | 'opendata'>>>;
let catalogue: ServiceUnderTest;
let opendata: ServiceUnderTest;
let audit: ServiceUnderTest;

before(async () => {
  platform = await startPlatform(['audit', 'catalogue', 'opendata'], {
    audit: auditFilesIn(dir),
    opendata: { STORAGE_DIR: join(dir, 'files') },
  });
  ({ catalogue, opendata, audit } = platform.services);
});
after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string) => tp.split('-')[1]!;
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Polls `probe` until it gives a value (bounded): for what arrives by event. */
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> =>
  waitForValue(what, probe, ms, 100);

interface Entry {
  type?: string;
  stream: string;
  traceId?: string;
}
/** The trail's entries of one trace, once `until` holds. */
async function trailOf(traceId: string, until: (entries: Entry[]) => boolean): Promise<Entry[]> {
  const auditor = await audit.token('TTRA', ['auditor']);
  return waitFor(`the trail of trace ${traceId}`, async () => {
    const page = await audit.request('GET', `/audit/entries?traceId=${traceId}&limit=200`, {
      token: auditor,
    });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    return until(page.body.items) ? (page.body.items as Entry[]) : undefined;
  });
}
const has =
  (...types: string[]) =>
  (entries: Entry[]) =>
    types.every((type) => entries.some((e) => e.type === type));

// Imported once the services run: the package's entry evaluates the AppModule, which reads its config.
const shapes = async () => {
  const { DCAT_SHAPES_PATH } = await import('@openlgsp/opendata-service');
  return rdf.dataset(new Parser().parse(readFileSync(DCAT_SHAPES_PATH, 'utf8')));
};
async function violations(quads: Quad[]): Promise<string[]> {
  const report = await new SHACLValidator(await shapes(), { factory: rdf }).validate(rdf.dataset(quads));
  return report.results
    .filter((r) => r.severity?.value.endsWith('Violation'))
    .map((r) => `${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join(' ')}`);
}

const ACCESS = 'vn.openlgsp.audit.access.recorded.v1';
const GOOD_CSV = 'vung,gia\nV1,12000000\nV2,9500000\n';
// A formula where a price should be, in line 3, column 2: refused, never kept.
const BAD_CSV = 'vung,gia\nV1,12000000\nV2,=SUM(B1:B9)\n';

describe('the open-data journey', () => {
  it('listed open → CSV checked → reviewed → published, found and downloaded → withdrawn → retracted, all in the trail', async () => {
    const entryId = await decideProposal(catalogue, {
      content: landDatabase('STNMT', {
        name: 'Cơ sở dữ liệu bảng giá đất',
        sharingMode: 'default',
        open: true,
      }),
      justification: 'Công khai bảng giá đất',
    });
    const owner = await opendata.token('STNMT', ['provider']);
    const editor = await opendata.token('STTTT', ['editor']);
    const traces: Record<string, string> = {};
    const call = (step: string, method: string, path: string, token: string, body?: unknown) => {
      traces[step] = traceparent();
      return opendata.request(method, `/opendata${path}`, {
        token,
        ...(body !== undefined ? { body } : {}),
        headers: { traceparent: traces[step]! },
      });
    };
    const upload = (step: string, id: string, name: string, csv: string) => {
      traces[step] = traceparent();
      return fetch(`${opendata.url}/opendata/datasets/${id}/distributions/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/csv', traceparent: traces[step]! },
        body: csv,
      });
    };

    // The entry becomes publishable once opendata has followed the catalogue's events.
    const draft = {
      entryId,
      metadata: {
        title: { vi: 'Bảng giá đất Kon Tum', en: 'Kon Tum land prices' },
        description: { vi: 'Giá đất theo vùng, cập nhật hằng năm.', en: 'Land prices by zone.' },
        keywords: { vi: ['giá đất', 'bảng giá'] },
        themes: ['ECON'],
        contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.stnmt@example.gov.vn' },
        spatial: { province: { code: '62', name: 'Kon Tum' } },
        accrualPeriodicity: 'ANNUAL',
        legalBasis: [{ instrument: 'Luật Đất đai 2024' }],
      },
    };
    const drafted = await waitFor('the entry to be publishable', async () => {
      const answer = await call('draft', 'POST', '/datasets', owner, draft);
      return answer.status === 404 ? undefined : answer;
    });
    assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
    const id = drafted.body.datasetId as string;

    const good = await upload('upload', id, 'bang-gia-dat.csv', GOOD_CSV);
    const kept = (await good.json()) as { sha256: string };
    assert.equal(good.status, 200, JSON.stringify(kept));
    assert.equal(kept.sha256, sha256(GOOD_CSV));
    const bad = await upload('bad upload', id, 'xau.csv', BAD_CSV);
    assert.equal(bad.status, 422);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    const problem = (await bad.json()) as { problems: { line: number; column: number | null }[] };
    assert.ok(
      problem.problems.some((p) => p.line === 3 && p.column === 2),
      `line 3, column 2: ${JSON.stringify(problem.problems)}`,
    );

    // Review: returned with reasons, resubmitted, published.
    assert.equal((await call('submission', 'POST', `/datasets/${id}/submission`, owner)).status, 200);
    const returned = await call('return', 'POST', `/datasets/${id}/return`, editor, {
      reasons: ['Thiếu đơn vị tính của cột giá'],
    });
    assert.equal(returned.status, 200, JSON.stringify(returned.body));
    const resubmitted = await call('resubmission', 'POST', `/datasets/${id}/submission`, owner);
    assert.equal(resubmitted.status, 200, JSON.stringify(resubmitted.body));
    const published = await call('publication', 'POST', `/datasets/${id}/publication`, editor);
    assert.equal(published.status, 200, JSON.stringify(published.body));

    // Found: accent-free search, CKAN with a format filter, DCAT-AP 3 valid against the shapes.
    await waitFor('the dataset in the search', async () => {
      const found = await opendata.request('GET', '/opendata/catalog?q=gia%20dat%20kon%20tum');
      assert.equal(found.status, 200, JSON.stringify(found.body));
      return found.body.items.some((i: { id: string }) => i.id === id) ? true : undefined;
    });
    const ckan = await opendata.request(
      'GET',
      `/opendata/api/3/action/package_search?${new URLSearchParams({ q: 'bang gia dat', fq: 'res_format:CSV' })}`,
    );
    assert.equal(ckan.status, 200, JSON.stringify(ckan.body));
    assert.ok(ckan.body.result.results.some((p: { id: string }) => p.id === id));
    const ttl = await fetch(`${opendata.url}/opendata/catalog/datasets/${id}.ttl`);
    assert.equal(ttl.status, 200);
    const quads = new Parser({ format: 'Turtle' }).parse(await ttl.text());
    assert.ok(quads.length > 20, `${quads.length} triples`);
    assert.deepEqual(await violations(quads), []);
    const catalogTtl = await fetch(`${opendata.url}/opendata/catalog.ttl`);
    assert.deepEqual(await violations(new Parser({ format: 'Turtle' }).parse(await catalogTtl.text())), []);

    // Downloaded: the same bytes as uploaded.
    const publicDataset = await opendata.request('GET', `/opendata/catalog/datasets/${id}`);
    const file = publicDataset.body.distributions.find((d: { kind: string }) => d.kind === 'file');
    const downloadUrl = `${opendata.url}/opendata/catalog/datasets/${id}/distributions/${file.distributionId}/download`;
    const downloaded = await fetch(downloadUrl);
    assert.equal(downloaded.status, 200);
    assert.equal(sha256(Buffer.from(await downloaded.arrayBuffer())), kept.sha256);

    // Withdrawn in the catalogue → retracted on the public side, in the withdrawal's trace.
    const withdrawal = traceparent();
    await decideProposal(
      catalogue,
      { kind: 'withdraw', justification: 'Thay bằng CSDL quốc gia' },
      entryId,
      withdrawal,
    );
    await waitFor('the dataset retracted', async () => {
      const ds = await opendata.request('GET', `/opendata/catalog/datasets/${id}`);
      return ds.body?.status === 'retracted' ? true : undefined;
    });
    // The search entry is written right after the dataset's page: the next search may precede it.
    await waitFor('search no longer listing it', async () => {
      const after = await opendata.request('GET', '/opendata/catalog?q=gia%20dat%20kon%20tum');
      return after.body.items.some((i: { id: string }) => i.id === id) ? undefined : true;
    });
    assert.equal((await fetch(downloadUrl)).status, 410);

    // The trail: one trace per call, each holding what that call caused.
    for (const step of ['draft', 'upload', 'bad upload', 'submission', 'return', 'resubmission'])
      await trailOf(traceOf(traces[step]!), has(ACCESS));
    const publication = await trailOf(
      traceOf(traces.publication!),
      has(ACCESS, 'vn.openlgsp.opendata.dataset.published.v1'),
    );
    assert.ok(publication.some((e) => e.stream === 'OPENDATA'));
    const retraction = await trailOf(
      traceOf(withdrawal),
      has('vn.openlgsp.catalogue.entry.withdrawn.v1', 'vn.openlgsp.opendata.dataset.retracted.v1'),
    );
    assert.ok(retraction.every((e) => e.traceId === traceOf(withdrawal)));
    assert.ok(publication.every((e) => e.traceId === traceOf(traces.publication!)));
    // The publication as a trace: opendata's call, its event, the audit trail recording it.
    await assertTrace({
      traceparent: traces.publication!,
      spans: {
        opendata: [
          'POST /opendata/datasets/{datasetId}/publication',
          'publish lgsp.opendata.dataset.published',
          'process lgsp.opendata.dataset.published',
        ],
        audit: ['process lgsp.opendata.dataset.published'],
      },
    });

    const verification = await audit.request('GET', '/audit/verification', {
      token: await audit.token('STTTT', ['dic']),
    });
    assert.equal(verification.status, 200, JSON.stringify(verification.body));
    assert.equal(verification.body.ok, true, JSON.stringify(verification.body));
  });
});
