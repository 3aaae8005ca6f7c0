// The operator console in a real browser (Debian's chromium driven by playwright-core) against the
// catalogue, sharing and audit services on real engines: a request's flow found by its id, a dead
// letter replayed (twice over, applied once) and one discarded with a reason, the trail verified;
// an agency's token refused on every page and action; every action in the trail; axe finds no
// serious or critical violation on any page type.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { createEvent, EventPublisher, toNatsMessage } from '@openlgsp/events';
import { findEvent, startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { chromiumLaunchOptions, startEngines, withoutChromium, type Engines } from '@openlgsp/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { decideProposal } from './platform.js';

const CONSOLE = '/audit/console';
const OPERATOR_ACTED = 'vn.openlgsp.audit.operator.acted.v1';
const ACCESS_RECORDED = 'vn.openlgsp.audit.access.recorded.v1';
const LISTED = 'vn.openlgsp.catalogue.entry.listed.v1';

let engines: Engines;
let catalogue: ServiceUnderTest;
let sharing: ServiceUnderTest;
let audit: ServiceUnderTest;
let browser: Browser;

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Polls `probe` until it returns something (a condition, never a timed assertion). */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  limitMs = 30_000,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An entry as the audit API answers; its payload is read field by field, as each event's contract says. */
interface Entry {
  type?: string;
  subject?: string;
  actor?: string;
  payload?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Entries of the trail, read through the audit API as DIC. */
async function trail(query: string): Promise<Entry[]> {
  const answer = await audit.request('GET', `/audit/entries?limit=100&${query}`, {
    token: await audit.token('STTTT', ['dic']),
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.items;
}

/** A browser session signed in with the token, as an operator would: through the sign-in page. */
async function signedIn(roles: ('dic' | 'consumer')[], agency = 'STTTT', sub = 'dic-operator') {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${audit.url}${CONSOLE}/sign-in`);
  await page.getByLabel('Token').fill(await audit.token(agency, roles, sub));
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return { context, page, response };
}

/** The consumed-events counter of one of sharing's consumers, from its /metrics. */
async function consumed(consumer: string, type: string): Promise<number> {
  const text = await (await fetch(`${sharing.url}/sharing/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('lgsp_events_consumed_total{') &&
        l.includes(`consumer="${consumer}"`) &&
        l.includes(`type="${type}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The dead letter a consumer of sharing writes after its last attempt, carrying `event`. */
async function deadLetter(event: ReturnType<typeof createEvent>, reason: string): Promise<number> {
  const { headers, body } = toNatsMessage(event);
  await new EventPublisher(audit.js, 'sharing').deadLetter(
    { subject: 'lgsp.catalogue.entry.listed', headers, data: body, stream: 'CATALOGUE', deliveries: 5 },
    reason,
  );
  const jsm = await jetstreamManager(audit.nc);
  return (await jsm.streams.info('DLQ')).state.last_seq;
}

before(async () => {
  delete process.env.LGSP_TRACE_QUERY_URL;
  engines = await startEngines();
  const db = (name: string) => engines.mongoUrl.replace(/\/([^/?]+)(\?|$)/, `/$1_${name}$2`);
  catalogue = await startService({
    service: 'catalogue',
    appModule: async () => (await import('@openlgsp/catalogue-service')).AppModule,
    engines,
    env: { MONGO_URL: db('catalogue') },
  });
  sharing = await startService({
    service: 'sharing',
    appModule: async () => (await import('@openlgsp/sharing-service')).AppModule,
    engines,
    env: { MONGO_URL: db('sharing') },
  });
  audit = await startService({
    service: 'audit',
    appModule: async () => (await import('@openlgsp/audit-service')).AppModule,
    engines,
    env: {
      MONGO_URL: db('audit'),
      AUDIT_CHECKPOINT_INTERVAL_MS: '0',
      AUDIT_ARCHIVE_INTERVAL_MS: '0',
      LGSP_CONSOLE_SERVICES: `catalogue=${catalogue.url},sharing=${sharing.url}`,
      CONSOLE_NATS_USER: 'console',
      CONSOLE_NATS_PASSWORD: engines.natsCredentials('console').pass,
    },
  });
  browser = await chromium.launch(chromiumLaunchOptions());
});

after(async () => {
  await browser?.close();
  await audit?.stop();
  await sharing?.stop();
  await catalogue?.stop();
  await engines?.stop();
});

describe('the operator console in a browser', { skip: withoutChromium() }, () => {
  let entryId: string;
  let listed: Awaited<ReturnType<typeof findEvent>>;

  it("finds a request's flow by its id: its events in order across services, and says no trace backend is configured", async () => {
    entryId = await decideProposal(catalogue, {
      content: landDatabase(),
      justification: 'Phục vụ thủ tục đất đai',
    });
    listed = await findEvent(catalogue.js, 'CATALOGUE', (e) => e.subject === entryId && e.type === LISTED);
    const consumer = await sharing.token('SXD', ['consumer']);
    const body = {
      entryId,
      purpose: 'Xác minh thửa đất khi cấp giấy phép xây dựng',
      fields: ['parcelId', 'area'],
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
      period: {
        from: new Date().toISOString(),
        until: new Date(Date.now() + 180 * 86_400_000).toISOString(),
      },
      contact: { name: 'Nguyễn Văn An' },
    };
    const submitted = await eventually('sharing to know the entry', async () => {
      const answer = await sharing.request('POST', '/sharing/requests', { token: consumer, body });
      return answer.status === 404 ? undefined : answer;
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const { requestId } = submitted.body;
    const approved = await sharing.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: await sharing.token('STNMT', ['provider']),
      body: { fields: ['area'] },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await eventually('the grant in the trail', async () =>
      (await trail(`subject=${requestId}`)).some((e) => e.type?.endsWith('grant.issued.v1'))
        ? true
        : undefined,
    );

    const { context, page, response } = await signedIn(['dic']);
    assert.equal(response?.status(), 200);
    assert.match(
      (await response?.headerValue('content-security-policy')) ?? '',
      /default-src 'none'; style-src 'self'/,
    );
    assert.deepEqual(await seriousViolations(page), [], 'overview');
    await page.getByLabel('Trace id, request id, dataset id or incident id').fill(requestId);
    await page.getByRole('button', { name: 'Show the flow' }).click();
    await page.waitForURL(/\/flow\?q=/);
    const types = await page
      .locator('section[aria-labelledby="events-title"] tbody tr td:nth-child(3) code')
      .allTextContents();
    const submittedAt = types.indexOf('sharing.request.submitted.v1');
    const approvedAt = types.indexOf('sharing.request.approved.v1');
    const issuedAt = types.indexOf('sharing.grant.issued.v1');
    assert.ok(
      submittedAt >= 0 && approvedAt > submittedAt && issuedAt > approvedAt,
      `in order: ${types.join(', ')}`,
    );
    assert.ok(
      types.includes('audit.access.recorded.v1'),
      `the calls that caused them beside them: ${types.join(', ')}`,
    );
    // Each event links to its trace's section, which says why no span waterfall is shown.
    const traceLink = page
      .locator('section[aria-labelledby="events-title"] tbody tr')
      .nth(approvedAt)
      .locator('td:nth-child(5) a');
    const anchor = (await traceLink.getAttribute('href'))!;
    assert.match(anchor, /^#trace-[0-9a-f]{32}$/);
    assert.match(
      (await page.locator(`[id="${anchor.slice(1)}"] + p`).innerText()) ?? '',
      /No trace backend is configured/,
    );
    assert.deepEqual(await seriousViolations(page), [], 'flow');
    await context.close();
  });

  it('answers unknown and malformed ids clearly', async () => {
    const { context, page } = await signedIn(['dic']);
    const unknown = await page.goto(`${audit.url}${CONSOLE}/flow?q=0197a1b2-0000-7000-8000-00000000dead`);
    assert.equal(unknown?.status(), 404);
    assert.match(
      (await page.getByRole('alert').innerText()) ?? '',
      /No event in the audit trail has the id 0197a1b2-0000-7000-8000-00000000dead/,
    );
    const malformed = await page.goto(`${audit.url}${CONSOLE}/flow?q=${encodeURIComponent('<b>x</b>')}`);
    assert.equal(malformed?.status(), 422);
    assert.match((await page.getByRole('alert').innerText()) ?? '', /an id is 1 to 200 letters/);
    await page.goto(`${audit.url}${CONSOLE}/dead-letters`);
    const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
    const missing = await page.request.post(`${audit.url}${CONSOLE}/dead-letters/999999/replay`, {
      form: { csrf: csrf! },
    });
    assert.equal(missing.status(), 404);
    assert.match(await missing.text(), /dead letter #999999 does not exist/);
    const notANumber = await page.request.post(`${audit.url}${CONSOLE}/dead-letters/abc/discard`, {
      form: { csrf: csrf!, reason: 'x' },
    });
    assert.equal(notANumber.status(), 404);
    assert.match(await notANumber.text(), /There is no dead letter #abc/);
    const forged = await page.request.post(`${audit.url}${CONSOLE}/trail/verification`, {
      form: { csrf: 'x'.repeat(43) },
    });
    assert.equal(forged.status(), 403, 'a form without the console’s token is refused');
    const crossSite = await page.request.post(`${audit.url}${CONSOLE}/trail/verification`, {
      form: { csrf: csrf! },
      headers: { origin: 'https://elsewhere.example' },
    });
    assert.equal(crossSite.status(), 403, 'a form posted from another site is refused');
    await context.close();
  });

  it('replays a dead letter to its subject; replaying the same event twice applies it once', async () => {
    // An entry listing sharing never applied: the consumer gave up on it (twice over, as two instances might).
    const lostEntry = '0197a1b2-7c4d-7e8f-9a01-00000000c0de';
    const event = createEvent(
      LISTED,
      { ...(listed.data as object), entryId: lostEntry },
      { source: '/openlgsp/catalogue', subject: lostEntry, dataschema: listed.dataschema! },
    );
    const first = await deadLetter(event, 'handler failed: the store was unavailable');
    const second = await deadLetter(event, 'handler failed: the store was unavailable');
    const before = await consumed('sharing-catalogue', LISTED);

    const { context, page } = await signedIn(['dic']);
    await page.goto(`${audit.url}${CONSOLE}/dead-letters`);
    const letter = page.locator(`#letter-${first}`);
    assert.match((await letter.innerText()) ?? '', /handler failed: the store was unavailable/);
    assert.match((await letter.innerText()) ?? '', /lgsp\.catalogue\.entry\.listed/);
    assert.deepEqual(await seriousViolations(page), [], 'dead letters');
    for (const seq of [first, second]) {
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: `Replay #${seq}` }).click(),
      ]);
      assert.match(page.url(), new RegExp(`replayed=${seq}`), await page.locator('main').innerText());
      assert.match(
        (await page.getByRole('status').innerText()) ?? '',
        new RegExp(`#${seq} was replayed as CATALOGUE#\\d+`),
      );
      assert.equal(await page.locator(`#letter-${seq}`).count(), 0, 'no longer a dead letter');
    }
    // Both replays reached the stream; sharing applied the event once and skipped the second by its id.
    const jsm = await jetstreamManager(audit.nc);
    await eventually('sharing to have taken both replays', async () => {
      const info = await jsm.consumers.info('CATALOGUE', 'sharing-catalogue');
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    assert.equal((await consumed('sharing-catalogue', LISTED)) - before, 1, 'applied once');
    const requestable = await sharing.request('POST', '/sharing/requests', {
      token: await sharing.token('SXD', ['consumer']),
      body: {
        entryId: lostEntry,
        purpose: 'Tra cứu',
        fields: ['area'],
        legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
        period: {
          from: new Date().toISOString(),
          until: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        },
        contact: { name: 'Trần Thị Bình' },
      },
    });
    assert.equal(requestable.status, 201, 'the replayed listing made the entry requestable in sharing');

    const acted = await eventually('both replays in the trail', async () => {
      const entries = (await trail(`type=${OPERATOR_ACTED}`)).filter(
        (e) => e.payload?.action === 'dead-letter.replayed',
      );
      return entries.length >= 2 ? entries : undefined;
    });
    assert.deepEqual(acted.map((e) => e.payload.deadLetter.dlqSeq).sort(), [first, second].sort());
    assert.ok(acted.every((e) => e.actor === 'dic-operator' && e.payload.deadLetter.eventId === event.id));
    await context.close();
  });

  it('discards a dead letter only with a reason, and the reason is in the trail', async () => {
    const event = createEvent(
      LISTED,
      { ...(listed.data as object), entryId: '0197a1b2-7c4d-7e8f-9a01-00000000d15c' },
      {
        source: '/openlgsp/catalogue',
        subject: 'drill',
        dataschema: listed.dataschema!,
      },
    );
    const seq = await deadLetter(event, 'refused: a drill');
    const { context, page } = await signedIn(['dic']);
    await page.goto(`${audit.url}${CONSOLE}/dead-letters`);
    await page.getByLabel(`Reason to discard #${seq}`).fill('   ');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: `Discard #${seq}` }).click(),
    ]);
    assert.match(
      (await page.locator(`#letter-${seq}-problem`).innerText()) ?? '',
      /say why this dead letter is discarded/,
    );
    assert.equal(await page.getByLabel(`Reason to discard #${seq}`).getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await seriousViolations(page), [], 'a refused discard');
    await page.getByLabel(`Reason to discard #${seq}`).fill('a message from the incident drill of 5 January');
    await page.getByRole('button', { name: `Discard #${seq}` }).click();
    await page.waitForURL(new RegExp(`discarded=${seq}`));
    assert.equal(await page.locator(`#letter-${seq}`).count(), 0);
    const jsm = await jetstreamManager(audit.nc);
    assert.equal(await jsm.streams.getMessage('DLQ', { seq }).catch(() => null), null, 'gone from the DLQ');
    const discarded = await eventually('the discard in the trail', async () =>
      (await trail(`type=${OPERATOR_ACTED}`)).find(
        (e) => e.payload?.action === 'dead-letter.discarded' && e.payload.deadLetter.dlqSeq === seq,
      ),
    );
    assert.equal(discarded.payload.reason, 'a message from the incident drill of 5 January');
    assert.equal(discarded.payload.deadLetter.failure, 'refused: a drill');
    await context.close();
  });

  it('shows the bus, rejections per agency, services, and verifies the trail on demand', async () => {
    // An integrator's malformed intake: sharing refuses it with reasons on lgsp.rejected.SXD.
    const bad = natsHeaders();
    for (const [k, v] of Object.entries({
      'ce-specversion': '1.0',
      'ce-id': '0197a1b2-8000-7000-8000-0000000bad01',
      'ce-type': 'vn.openlgsp.sharing.request.filed.v1',
      'ce-source': '/agencies/SXD/permits',
      'content-type': 'application/json',
    }))
      bad.set(k, v);
    await audit.js.publish(
      'lgsp.intake.SXD.sharing.request.filed',
      new TextEncoder().encode('{"purpose":""}'),
      { headers: bad },
    );
    await eventually('the rejection in the trail', async () =>
      (await trail('stream=REJECTED&agency=SXD')).length ? true : undefined,
    );

    const { context, page } = await signedIn(['dic']);
    await page.getByRole('link', { name: 'Bus', exact: true }).click();
    const streams = await page.locator('table').first().locator('tbody th').allTextContents();
    for (const s of ['CATALOGUE', 'SHARING', 'DLQ', 'REJECTED'])
      assert.ok(streams.includes(s), `${s} in ${streams.join(', ')}`);
    assert.ok((await page.locator('table').nth(1).innerText())?.includes('sharing-catalogue'));
    assert.deepEqual(await seriousViolations(page), [], 'bus');

    await page.getByRole('link', { name: 'Rejections' }).click();
    assert.equal(await page.locator('table.days tbody th').first().innerText(), 'SXD');
    assert.match((await page.locator('h2:has-text("Why SXD") + table').innerText()) ?? '', /schema|invalid/);
    assert.deepEqual(await seriousViolations(page), [], 'rejections');

    await page.getByRole('link', { name: 'Services' }).click();
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    for (const i of [0, 1]) {
      assert.match((await rows.nth(i).innerText()) ?? '', /ready/);
      assert.match((await rows.nth(i).locator('td').nth(1).innerText()) ?? '', /^\d+\.\d+\.\d+$/);
    }
    assert.deepEqual(await seriousViolations(page), [], 'services');

    await page.getByRole('link', { name: 'Audit trail' }).click();
    assert.match((await page.locator('tbody').innerText()) ?? '', /never verified/);
    await page.getByRole('button', { name: 'Verify the trail now' }).click();
    await page.waitForURL(/verified=1/);
    assert.match((await page.getByRole('status').innerText()) ?? '', /Verified: \d+ entries/);
    assert.match((await page.locator('tbody').innerText()) ?? '', /holds/);
    assert.deepEqual(await seriousViolations(page), [], 'trail');
    const verified = await eventually('the verification in the trail', async () =>
      (await trail(`type=${OPERATOR_ACTED}`)).find((e) => e.payload?.action === 'trail.verified'),
    );
    assert.equal(verified.payload.verification.ok, true);
    await context.close();
  });

  it("refuses an agency's token on every page and action, and the refusals are in the trail", async () => {
    const refused = await signedIn(['consumer'], 'SXD', 'sxd-officer');
    assert.equal(refused.response?.status(), 403, 'the sign-in keeps no non-DIC token');
    assert.match((await refused.page.getByRole('alert').innerText()) ?? '', /for DIC operators/);
    assert.deepEqual(await seriousViolations(refused.page), [], 'sign-in refused');
    await refused.context.close();

    const token = await audit.token('SXD', ['consumer', 'provider', 'integrator'], 'sxd-officer');
    const context: BrowserContext = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    const page = await context.newPage();
    for (const path of ['/', '/flow?q=x', '/bus', '/dead-letters', '/rejections', '/trail', '/services']) {
      const answer = await page.goto(`${audit.url}${CONSOLE}${path}`);
      assert.equal(answer?.status(), 403, path);
    }
    assert.match((await page.getByRole('alert').innerText()) ?? '', /for DIC operators/);
    assert.deepEqual(await seriousViolations(page), [], 'refusal page');
    for (const path of ['/dead-letters/1/replay', '/dead-letters/1/discard', '/trail/verification']) {
      const answer = await page.request.post(`${audit.url}${CONSOLE}${path}`, { form: { reason: 'x' } });
      assert.equal(answer.status(), 403, path);
    }
    const anonymous = await fetch(`${audit.url}${CONSOLE}/bus`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('content-type') ?? '', /^application\/problem\+json/);
    await context.close();

    const refusals = await eventually('the refusals in the trail', async () => {
      const entries = (await trail(`type=${ACCESS_RECORDED}&actor=sxd-officer`)).filter((e) =>
        String(e.payload?.route).startsWith(`${CONSOLE}`),
      );
      return entries.length >= 10 ? entries : undefined;
    });
    assert.ok(refusals.every((e) => e.payload.status === 403));
    // And the operator's own actions: each POST of the console is an access event too.
    const actions = await trail(`type=${ACCESS_RECORDED}&actor=dic-operator`);
    for (const route of [
      `${CONSOLE}/dead-letters/:seq/replay`,
      `${CONSOLE}/dead-letters/:seq/discard`,
      `${CONSOLE}/trail/verification`,
    ])
      assert.ok(
        actions.some((e) => e.payload.route === route),
        `${route} in the trail`,
      );
  });
});
