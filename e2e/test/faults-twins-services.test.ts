import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { landDatabase } from '@openlgsp/catalogue-service/test/fixtures';
import { createEvent, type LgspEvent } from '@openlgsp/events';
import type { ServiceProcess } from '@openlgsp/testing';
import {
  assertChainVerifies,
  call,
  type Answer,
  eventsOn,
  expectStatus,
  listEntry,
  publishIntake,
  runId,
  startFaultPlatform,
  trailOf,
  waitFor,
  type FaultPlatform,
} from './faults.js';

/**
 * Fault injection (issue 13 §5): two instances of the catalogue, sharing and opendata services at once,
 * each its own OS process on the same engines, one audit recorder. HTTP writes alternate between the
 * two instances step by step, intake events come over NATS, and the reactions and projections run on
 * durable consumers the twins share. Counted afterwards: one fact per command or intake event on each
 * stream, each fact once in the trail, each consumed event handled by one instance only, and the chain
 * verifies.
 */
const ENTRIES = 3; // of each kind: requestable (sharing) and open (opendata)
const REQUESTS = 10; // over HTTP, half of them approved
const FILED = 10; // request.filed over NATS
const ERRORS = 10; // data-error.reported over NATS
const CSV = 'vung,gia\nV1,12000000\nV2,9500000\n';

let platform: FaultPlatform;
const pair = (service: string): [ServiceProcess, ServiceProcess] => [
  platform.services[service]!,
  platform.services[`${service}2`]!,
];

before(async () => {
  platform = await startFaultPlatform({
    services: ['audit', 'catalogue', 'sharing', 'opendata'],
    twins: ['catalogue', 'sharing', 'opendata'],
    // Webhook receivers listen on 127.0.0.1 in this test; each instance runs its delivery worker.
    env: { opendata: { OUTBOUND_ALLOW_LIST: '127.0.0.1', WEBHOOK_IDLE_WAIT_MS: '1000' } },
  });
});
after(async () => {
  for (const r of receivers) await r.down();
  await platform?.stop();
});

/** A webhook receiver: the webhook-ids it was sent, in arrival order (each answered 204). */
class Receiver {
  readonly ids: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.ids.push(String(req.headers['webhook-id']));
    req.resume().on('end', () => res.writeHead(204).end());
  });
  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/opendata`;
  }
  up() {
    return new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }
  async down() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
const receivers = [new Receiver(), new Receiver()];

/** Retries while the answer is 404: the instance's read model has not seen the catalogue's event yet. */
async function once404Clears(what: string, attempt: () => Promise<Answer>): Promise<Answer> {
  return waitFor(what, async () => {
    const answer = await attempt();
    return answer.status === 404 ? undefined : answer;
  });
}

/** Each (type, subject) of `stream` that is not there exactly once, among the events about `subjects`. */
async function notOnce(stream: string, subjects: Set<string>) {
  const events = (await eventsOn(platform.engines, stream)).filter(({ event }) =>
    subjects.has(event.subject ?? ''),
  );
  const tally = new Map<string, number>();
  for (const { event } of events)
    tally.set(`${event.type} ${event.subject}`, (tally.get(`${event.type} ${event.subject}`) ?? 0) + 1);
  return { events, twice: [...tally].filter(([, n]) => n !== 1) };
}

/** Events handled by `consumer`, by type, summed over `instances` (their lgsp_events_consumed_total). */
async function handledByType(instances: ServiceProcess[], consumer: string): Promise<Map<string, number>> {
  const byType = new Map<string, number>();
  const series = new RegExp(`^lgsp_events_consumed_total\\{consumer="${consumer}",type="([^"]+)"\\} (\\d+)$`);
  for (const instance of instances) {
    const text = await (await fetch(`${instance.url}/${instance.service}/metrics`)).text();
    for (const line of text.split('\n')) {
      const [, type, n] = series.exec(line) ?? [];
      if (type) byType.set(type, (byType.get(type) ?? 0) + Number(n));
    }
  }
  return byType;
}

const count = (events: { event: LgspEvent }[], type: string) =>
  events.filter(({ event }) => event.type === `vn.openlgsp.${type}.v1`).length;

describe('fault injection: two instances of catalogue, sharing and opendata at once', () => {
  it('each command and intake event handled once, each fact once on its stream and in the trail', async (t) => {
    const run = runId('twins');
    const started = Date.now();

    // The catalogue: every HTTP step on the other instance than the one before.
    const requestable: string[] = [];
    const open: string[] = [];
    for (let i = 0; i < ENTRIES; i++) {
      requestable.push(
        await listEntry(
          platform,
          pair('catalogue'),
          i,
          landDatabase('STNMT', { name: `CSDL đất đai ${run} ${i}` }),
        ),
      );
      open.push(
        await listEntry(
          platform,
          pair('catalogue'),
          i + 1,
          landDatabase('STNMT', { name: `Bảng giá đất ${run} ${i}`, sharingMode: 'default', open: true }),
        ),
      );
    }
    // Intake over NATS: data errors reported to the catalogue, requests filed with sharing.
    const origin = { source: '/agencies/SXD/one-door', agency: 'SXD', actor: 'sxd-clerk' };
    const period = {
      from: new Date().toISOString(),
      until: new Date(Date.now() + 180 * 86_400_000).toISOString(),
    };
    const request = (entryId: string, i: number) => ({
      entryId,
      purpose: `Xác minh thửa đất khi cấp giấy phép xây dựng (${run} ${i})`,
      fields: ['parcelId', 'area'],
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
      period,
      contact: { name: 'Nguyễn Văn An' },
    });
    const errors = Array.from({ length: ERRORS }, (_, i) => ({
      on: 'lgsp.intake.SXD.catalogue.data-error.reported',
      event: createEvent(
        'vn.openlgsp.catalogue.data-error.reported.v1',
        { entryId: requestable[i % ENTRIES]!, description: `Diện tích sai ở thửa ${run}-${i}` },
        origin,
      ),
    }));
    await publishIntake(platform.engines, errors);

    // Sharing: requests over HTTP alternating between the instances, then over NATS; half approved.
    const consumer = await platform.token('SXD', ['consumer']);
    const requestIds: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const submitted = await once404Clears('the entry to be requestable', () =>
        call(
          pair('sharing')[i % 2]!,
          'POST',
          '/sharing/requests',
          consumer,
          request(requestable[i % ENTRIES]!, i),
        ),
      );
      requestIds.push(expectStatus(submitted, 201, 'request').requestId);
    }
    const filed = Array.from({ length: FILED }, (_, i) => ({
      on: 'lgsp.intake.SXD.sharing.request.filed',
      event: createEvent(
        'vn.openlgsp.sharing.request.filed.v1',
        request(requestable[i % ENTRIES]!, REQUESTS + i),
        origin,
      ),
    }));
    await publishIntake(platform.engines, filed);
    const provider = await platform.token('STNMT', ['provider']);
    const approved = requestIds.filter((_, i) => i % 2 === 0);
    for (const [i, id] of approved.entries())
      expectStatus(
        await call(pair('sharing')[i % 2]!, 'POST', `/sharing/requests/${id}/approval`, provider, {
          fields: ['area'],
        }),
        200,
        'approval',
      );

    // Open data: two webhook subscriptions (one through each instance), then draft, file, submission and
    // publication, each on the other instance than the last.
    const app = await platform.token('SXD', ['integrator']);
    for (const [i, receiver] of receivers.entries()) {
      await receiver.up();
      const subscribed = await call(pair('opendata')[i]!, 'POST', '/opendata/subscriptions', app, {
        url: receiver.url,
      });
      expectStatus(subscribed, 201, 'webhook subscription');
    }
    const editor = await platform.token('STTTT', ['editor']);
    const datasetIds: string[] = [];
    for (const [i, entryId] of open.entries()) {
      const [a, b] = i % 2 ? pair('opendata').reverse() : pair('opendata');
      const draft = {
        entryId,
        metadata: {
          title: { vi: `Bảng giá đất ${run} ${i}`, en: `Land prices ${i}` },
          description: { vi: 'Giá đất theo vùng, cập nhật hằng năm.', en: 'Land prices by zone.' },
          keywords: { vi: ['giá đất'] },
          themes: ['ECON'],
          contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.stnmt@example.gov.vn' },
          spatial: { province: { code: '62', name: 'Kon Tum' } },
          accrualPeriodicity: 'ANNUAL',
          legalBasis: [{ instrument: 'Luật Đất đai 2024' }],
        },
      };
      const drafted = await once404Clears('the entry to be publishable', () =>
        call(a!, 'POST', '/opendata/datasets', provider, draft),
      );
      const id = expectStatus(drafted, 201, 'draft').datasetId as string;
      datasetIds.push(id);
      const put = `/opendata/datasets/${id}/distributions/bang-gia-${i}.csv`;
      expectStatus(await call(b!, 'PUT', put, provider, CSV, 'text/csv'), 200, 'file');
      expectStatus(
        await call(a!, 'POST', `/opendata/datasets/${id}/submission`, provider),
        200,
        'submission',
      );
      expectStatus(
        await call(b!, 'POST', `/opendata/datasets/${id}/publication`, editor),
        200,
        'publication',
      );
    }
    const filedIds = filed.map(({ event }) => event.id);
    const errorIds = errors.map(({ event }) => event.id);

    // Every fact on its stream (the reactions and the intake are asynchronous: bounded polls).
    const catalogueSubjects = new Set([...requestable, ...open, ...errorIds]);
    const sharingSubjects = new Set([...requestIds, ...filedIds]);
    const opendataSubjects = new Set(datasetIds);
    const sharing = await waitFor('every fact of sharing', async () => {
      const seen = await notOnce('SHARING', sharingSubjects);
      const grants = count(seen.events, 'sharing.grant.issued');
      const submitted = count(seen.events, 'sharing.request.submitted');
      return grants >= approved.length && submitted >= REQUESTS + FILED ? seen : undefined;
    });
    const catalogue = await waitFor('every fact of the catalogue', async () => {
      const seen = await notOnce('CATALOGUE', catalogueSubjects);
      return count(seen.events, 'catalogue.error-report.opened') >= ERRORS ? seen : undefined;
    });
    const opendata = await notOnce('OPENDATA', opendataSubjects);
    assert.deepEqual(sharing.twice, [], 'each fact of sharing once');
    assert.deepEqual(catalogue.twice, [], 'each fact of the catalogue once');
    assert.deepEqual(opendata.twice, [], 'each fact of open data once');
    assert.equal(count(sharing.events, 'sharing.request.submitted'), REQUESTS + FILED);
    assert.equal(count(sharing.events, 'sharing.request.approved'), approved.length);
    assert.equal(count(sharing.events, 'sharing.grant.issued'), approved.length);
    assert.equal(count(catalogue.events, 'catalogue.entry.listed'), 2 * ENTRIES);
    assert.equal(count(catalogue.events, 'catalogue.error-report.opened'), ERRORS);
    assert.equal(count(opendata.events, 'opendata.dataset.published'), ENTRIES);
    for (const id of filedIds)
      assert.ok(sharingSubjects.has(id) && sharing.events.some(({ event }) => event.subject === id));

    // The read models the twins share: the public catalogue shows each dataset, on either instance.
    for (const id of datasetIds)
      for (const instance of pair('opendata'))
        await waitFor(`dataset ${id} on ${instance.url}`, async () =>
          (await fetch(`${instance.url}/opendata/catalog/datasets/${id}`)).status === 200 ? true : undefined,
        );

    // Each publication delivered once to each subscription, whichever instance holds its lease.
    const publications = opendata.events.filter(({ event }) => event.type.endsWith('dataset.published.v1'));
    for (const [i, receiver] of receivers.entries()) {
      await waitFor(`the publications at receiver ${i}`, async () =>
        publications.every(({ event }) => receiver.ids.includes(event.id)) ? true : undefined,
      );
    }

    // Each fact once in the trail (through audit's API).
    const facts = [...catalogue.events, ...sharing.events, ...opendata.events].map(({ event }) => event);
    const intake = [...errors, ...filed].map(({ event }) => event);
    const streamOf = (type: string) => type.split('.')[2]!.toUpperCase();
    const recorded = await waitFor('every fact and intake event in the trail', async () => {
      const tally = new Map<string, number>();
      const wanted = [
        ...new Set([
          ...facts.map((f) => `${streamOf(f.type)} ${f.type}`),
          ...intake.map((e) => `INTAKE ${e.type}`),
        ]),
      ];
      for (const key of wanted) {
        const [stream, type] = key.split(' ') as [string, string];
        for (const entry of await trailOf(platform, platform.services.audit!, stream, type))
          if (entry.eventId) tally.set(entry.eventId, (tally.get(entry.eventId) ?? 0) + 1);
      }
      return [...facts, ...intake].every((e) => (tally.get(e.id) ?? 0) >= 1) ? tally : undefined;
    });
    const twiceInTrail = [...facts, ...intake].filter((e) => recorded.get(e.id) !== 1);
    assert.deepEqual(
      twiceInTrail.map((e) => `${e.type} ${e.id}`),
      [],
      'each event once in the trail',
    );
    await assertChainVerifies(platform, platform.services.audit!);

    // Each event a consumer of the twins takes is handled by one of them only: per consumer and type,
    // the two instances' counts add up to the events of that type on the consumer's subjects.
    const split: string[] = [];
    for (const [service, consumer, stream, subjects, type] of [
      [
        'catalogue',
        'catalogue-intake',
        'INTAKE',
        'lgsp.intake.SXD.catalogue.',
        'catalogue.data-error.reported',
      ],
      ['sharing', 'sharing-intake', 'INTAKE', 'lgsp.intake.SXD.sharing.', 'sharing.request.filed'],
      [
        'sharing',
        'sharing-reactions',
        'SHARING',
        'lgsp.sharing.request.approved',
        'sharing.request.approved',
      ],
      ['sharing', 'sharing-catalogue', 'CATALOGUE', 'lgsp.catalogue.', 'catalogue.entry.listed'],
      ['opendata', 'opendata-catalogue', 'CATALOGUE', 'lgsp.catalogue.', 'catalogue.entry.listed'],
      ['opendata', 'opendata-public', 'OPENDATA', 'lgsp.opendata.dataset.', 'opendata.dataset.published'],
    ] as const) {
      const published = (await eventsOn(platform.engines, stream)).filter(({ on }) =>
        on.startsWith(subjects),
      );
      const expectedOf = (t: string) => published.filter(({ event }) => event.type === t).length;
      const handled = await waitFor(`${consumer} to handle its events`, async () => {
        const byType = await handledByType(pair(service), consumer);
        const done =
          byType.has(`vn.openlgsp.${type}.v1`) && [...byType].every(([t, n]) => n >= expectedOf(t));
        return done ? byType : undefined;
      });
      assert.deepEqual(
        [...handled]
          .filter(([t, n]) => n !== expectedOf(t))
          .map(([t, n]) => `${t}: ${n} handled of ${expectedOf(t)}`),
        [],
        `${consumer}: each event handled once across the two instances`,
      );
      const [one, two] = pair(service).map((instance) => handledByType([instance], consumer));
      const total = async (m: Promise<Map<string, number>>) =>
        [...(await m).values()].reduce((x, y) => x + y, 0);
      split.push(`${consumer} ${await total(one!)} / ${await total(two!)}`);
    }
    // Checked last, so that a second delivery by the other instance had the whole test to arrive.
    for (const [i, receiver] of receivers.entries()) {
      const twice = receiver.ids.filter((id, at) => receiver.ids.indexOf(id) !== at);
      assert.deepEqual(twice, [], `receiver ${i} got these webhooks more than once`);
    }
    t.diagnostic(
      `handled per instance: ${split.join(', ')}; ${Math.round((Date.now() - started) / 1000)} s of load and counts`,
    );
  });
});
