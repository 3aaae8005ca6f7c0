import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateEventData } from '@openlgsp/contracts';
import {
  commandBodies,
  describeCommandProperties,
  isNfc,
  manualClock,
  serviceSuite,
  type CommandEndpoint,
} from '@openlgsp/http/testing';
import { listEntry, registerAgency } from './catalogue-feed.js';
import { GOOD_CSV, schoolsMetadata, startOpendata } from './service.js';

/**
 * The opendata service's commands with bodies generated from their schemas (contracts/commands/opendata).
 * Drafts, submissions and returns emit nothing, so the property that accepted bodies make valid events
 * is checked where events are made: a generated working copy that passes review is published, and its
 * event keeps its contract, in NFC; a generated retraction reason makes a valid retraction.
 */
const { sut, tokens, watch } = serviceSuite(
  () => startOpendata(manualClock(new Date('2026-12-07T02:00:00Z'))),
  {
    tokens: { owner: ['SGDDT', ['provider']], editor: ['STTTT', ['editor']] },
    watch: 'OPENDATA',
    ready: async () => {
      await registerAgency(sut.js, 'SGDDT', 'Sở Giáo dục và Đào tạo');
      entryId = await listEntry(sut.js, 'SGDDT');
    },
  },
);
let entryId: string;

async function draft(): Promise<string> {
  for (let i = 0; ; i++) {
    const answer = await sut.request('POST', '/opendata/datasets', {
      token: tokens.owner,
      body: { entryId, metadata: schoolsMetadata() },
    });
    if (answer.status === 201) return answer.body.datasetId;
    if (answer.status !== 404 || i > 200) throw new Error(JSON.stringify(answer.body));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function withFile(id: string) {
  const res = await fetch(`${sut.url}/opendata/datasets/${id}/distributions/truong-hoc.csv`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'text/csv' },
    body: GOOD_CSV,
  });
  assert.equal(res.status, 200, await res.text());
}

async function published(): Promise<string> {
  const id = await draft();
  await withFile(id);
  for (const [path, token] of [
    ['submission', tokens.owner],
    ['publication', tokens.editor],
  ] as const) {
    const answer = await sut.request('POST', `/opendata/datasets/${id}/${path}`, { token });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  }
  return id;
}

const endpoints: CommandEndpoint[] = [
  {
    command: 'opendata.dataset.retract',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const id = await published();
      return { path: `/opendata/datasets/${id}/retraction`, subject: id };
    },
  },
];

describeCommandProperties({ sut: () => sut, watch: () => watch, endpoints, runs: 8 });

describe('a generated working copy', () => {
  it('that passes review is published in an event that keeps its contract, in NFC', async () => {
    await fc.assert(
      fc.asyncProperty(commandBodies('opendata.dataset.edit'), async (body) => {
        const id = await draft();
        await withFile(id);
        // Links point outside the test's network: keep the generated ones out of reach checks.
        const edited = await sut.request('PUT', `/opendata/datasets/${id}`, {
          token: tokens.owner,
          body: { ...body, links: [] },
        });
        assert.ok(edited.status < 500, JSON.stringify(edited.body));
        if (edited.status !== 200) return;
        const submitted = await sut.request('POST', `/opendata/datasets/${id}/submission`, {
          token: tokens.owner,
        });
        assert.ok(submitted.status < 500, JSON.stringify(submitted.body));
        if (submitted.status !== 200) return;
        const from = watch.events.length;
        const answer = await sut.request('POST', `/opendata/datasets/${id}/publication`, {
          token: tokens.editor,
        });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const event = await watch.next((e) => e.subject === id, from);
        assert.deepEqual(validateEventData(event.type as never, event.data), { ok: true });
        assert.ok(isNfc(event.data), `not NFC: ${JSON.stringify(event.data)}`);
      }),
      // Generated metadata is mostly incomplete (refused at submission, saying where): the next test
      // completes it, so that the property is not vacuous.
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('completed with the required properties is published', async () => {
    let publishedCount = 0;
    await fc.assert(
      fc.asyncProperty(commandBodies('opendata.dataset.edit'), async (body) => {
        const id = await draft();
        await withFile(id);
        // Completed: each text keeps the languages it lacks from the base, and the licence and period
        // come from the base too (a generated SPDX id is rarely one of the portal's, a generated period
        // rarely a real one): what is left generated is all the rest.
        const base = schoolsMetadata();
        const { license: _l, temporal: _t, ...generated } = body.metadata as Record<string, unknown>;
        const metadata = {
          ...base,
          ...generated,
          title: { ...base.title, ...(generated.title as object) },
          description: { ...base.description, ...(generated.description as object) },
        };
        const edited = await sut.request('PUT', `/opendata/datasets/${id}`, {
          token: tokens.owner,
          body: { metadata },
        });
        assert.ok(edited.status < 500, JSON.stringify(edited.body));
        const submitted = await sut.request('POST', `/opendata/datasets/${id}/submission`, {
          token: tokens.owner,
        });
        assert.ok(submitted.status < 500, JSON.stringify(submitted.body));
        if (submitted.status !== 200) return;
        const from = watch.events.length;
        assert.equal(
          (await sut.request('POST', `/opendata/datasets/${id}/publication`, { token: tokens.editor }))
            .status,
          200,
        );
        const event = await watch.next((e) => e.subject === id, from);
        assert.deepEqual(validateEventData(event.type as never, event.data), { ok: true });
        assert.ok(isNfc(event.data));
        publishedCount++;
      }),
      { numRuns: 10, endOnFailure: true },
    );
    assert.ok(publishedCount > 0, 'no generated working copy was published');
  });
});
