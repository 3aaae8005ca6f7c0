import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import { unwrap } from '@openlgsp/domain';
import { DATASET_ID, dic, MONDAY, owner, SERVICE_ID, stranger, violation } from '../common/fixtures.js';
import type { FeedbackSubject } from './feedback.model.js';
import { agencyView, answer, publicView, receive } from './feedback.rules.js';

const FEEDBACK_ID = '0197a1b2-7c4d-7e8f-9a01-0000000000f1';
const dataset: FeedbackSubject = {
  target: { kind: 'dataset', id: DATASET_ID },
  ownerAgency: 'SGDDT',
  open: true,
};
const sender = { name: 'Trần Thị Bình', email: 'binh@example.com', phone: '0905 123 456' };
const received = () =>
  unwrap(receive(FEEDBACK_ID, dataset, { text: 'Tệp CSV thiếu số điện thoại của trường.', sender }, MONDAY));

describe('feedback rules', () => {
  it('is received from anyone about an open dataset or service and routed to its owner', () => {
    const { next, facts } = received();
    assert.equal(next.ownerAgency, 'SGDDT');
    assert.equal(next.status, 'received');
    assert.equal(facts[0]?.type, 'vn.openlgsp.opendata.feedback.received.v1');
    assert.deepEqual(validateEventData(facts[0]!.type, facts[0]!.data), { ok: true });
    const service: FeedbackSubject = {
      target: { kind: 'service', id: SERVICE_ID },
      ownerAgency: 'SGDDT',
      open: true,
    };
    assert.equal(violation(receive(FEEDBACK_ID, service, { text: 'Dịch vụ trả lời chậm.' }, MONDAY)), 'ok');
    assert.equal(
      violation(receive(FEEDBACK_ID, { ...dataset, open: false }, { text: 'Dữ liệu đã cũ rồi.' }, MONDAY)),
      'not-found:no-such-target',
    );
  });

  it('bounds the text and checks the contact given', () => {
    assert.equal(violation(receive(FEEDBACK_ID, dataset, { text: '  ngắn  ' }, MONDAY)), 'invalid:too-short');
    assert.equal(
      violation(receive(FEEDBACK_ID, dataset, { text: 'x'.repeat(4001) }, MONDAY)),
      'invalid:too-long',
    );
    assert.equal(
      violation(
        receive(FEEDBACK_ID, dataset, { text: 'Dữ liệu đã cũ rồi.', sender: { email: 'binh' } }, MONDAY),
      ),
      'invalid:email',
    );
  });

  it("never puts the sender's contact details on an event or in the public view", () => {
    const { next, facts } = received();
    const answered = unwrap(answer(next, 'Đã bổ sung trong phiên bản 2.', owner, MONDAY));
    for (const published of [...facts, ...answered.facts].map((f) => JSON.stringify(f.data)))
      for (const detail of Object.values(sender)) assert.ok(!published.includes(detail), `${detail} leaked`);
    const view = JSON.stringify(publicView(answered.next));
    for (const detail of [...Object.values(sender), owner.sub])
      assert.ok(!view.includes(detail), `${detail} leaked`);
    assert.deepEqual((agencyView(next, owner) as { sender?: unknown }).sender, sender);
    assert.deepEqual((agencyView(next, dic) as { sender?: unknown }).sender, sender);
    assert.equal((agencyView(next, stranger) as { sender?: unknown }).sender, undefined);
  });

  it('is answered once, by the owning agency or DIC, and the answer is public', () => {
    const { next } = received();
    assert.equal(violation(answer(next, 'Chúng tôi sẽ kiểm tra.', stranger, MONDAY)), 'forbidden:not-owner');
    assert.equal(
      violation(answer(next, 'Chúng tôi sẽ kiểm tra.', dic, MONDAY)),
      'ok',
      'DIC routes and may answer',
    );
    const answered = unwrap(answer(next, 'Đã bổ sung trong phiên bản 2.', owner, MONDAY));
    assert.deepEqual(validateEventData(answered.facts[0]!.type, answered.facts[0]!.data), { ok: true });
    assert.deepEqual(publicView(answered.next).answer, {
      text: 'Đã bổ sung trong phiên bản 2.',
      at: MONDAY.toISOString(),
    });
    assert.equal(
      violation(answer(answered.next, 'Lần nữa thì sao?', owner, MONDAY)),
      'conflict:already-answered',
    );
  });
});
