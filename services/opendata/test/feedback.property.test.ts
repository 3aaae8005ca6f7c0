import { after, before } from 'node:test';
import fc from 'fast-check';
import {
  describeCommandProperties,
  watchStream,
  type CommandEndpoint,
  type ServiceUnderTest,
  type StreamWatch,
} from '@openlgsp/http/testing';
import { v7 as uuidv7 } from 'uuid';
import { published, startPublic, versionData, waitFor } from './fixtures.js';

/**
 * The public side's mutating endpoints (feedback), with bodies generated from their command schemas
 * (contracts/commands/opendata), against the real service and engines.
 */
let sut: ServiceUnderTest;
let watch: StreamWatch;
let owner: string;
const dataset = uuidv7();

before(async () => {
  // The property sends many bodies from one address: the per-address limit is not what it tests.
  sut = await startPublic({ OPENDATA_FEEDBACK_PER_HOUR: '10000' });
  owner = await sut.token('SGDDT', ['provider']);
  watch = await watchStream(sut.js, 'OPENDATA');
  await published(sut.js, versionData({ id: dataset }));
  await waitFor('the dataset', async () =>
    (await sut.request('GET', `/opendata/catalog/datasets/${dataset}`)).status === 200 ? true : undefined,
  );
});
after(async () => {
  await watch?.stop();
  await sut?.stop();
});

async function feedback(): Promise<string> {
  const answer = await sut.request('POST', '/opendata/feedback', {
    body: { target: { kind: 'dataset', id: dataset }, text: 'Thiếu cột số điện thoại của trường.' },
  });
  if (answer.status !== 201) throw new Error(`feedback: ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { feedbackId: string }).feedbackId;
}

const endpoints: CommandEndpoint[] = [
  {
    command: 'opendata.feedback.send',
    method: 'POST',
    token: () => '',
    target: async () => ({ path: '/opendata/feedback' }),
    subjectFrom: (a) => a.feedbackId!,
    overrides: () => ({ '/target': fc.constant({ kind: 'dataset', id: dataset }) }),
  },
  {
    command: 'opendata.feedback.answer',
    method: 'POST',
    token: () => owner,
    target: async () => {
      const id = await feedback();
      return { path: `/opendata/feedback/${id}/answer`, subject: id };
    },
  },
];

describeCommandProperties({ sut: () => sut, watch: () => watch, endpoints, runs: 10 });
