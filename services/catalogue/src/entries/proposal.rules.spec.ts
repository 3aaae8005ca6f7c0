import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOW as now,
  committee,
  dic,
  landDatabase,
  listedEntry as listed,
  owner,
  ownerSystem,
  proposedEntry as proposed,
  stranger,
  value,
  violation,
} from '../../test/fixtures.js';
import { compile, decide, proposeAddition, proposeChange } from './proposal.rules.js';

describe('proposing an addition (004 Điều 4.2)', () => {
  it('opens a proposal and says so in a submitted event', () => {
    const change = value(
      proposeAddition(
        { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'j' },
        owner,
        now,
      ),
    );
    assert.equal(change.next.status, 'proposed');
    assert.equal(change.next.proposal?.kind, 'add');
    assert.deepEqual(
      change.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.proposal.submitted.v1'],
    );
    assert.equal(
      'containsStateSecrets' in change.next.content,
      false,
      'the secret flag is not stored in content',
    );
  });

  it('refuses data containing state secrets (000 Điều 1.2)', () => {
    const v = violation(
      proposeAddition(
        {
          entryId: 'e1',
          proposalId: 'p1',
          content: landDatabase('STNMT', { containsStateSecrets: true }),
          justification: 'j',
        },
        owner,
        now,
      ),
    );
    assert.equal(v.code, 'state-secret');
    assert.equal(v.source, '000 Điều 1.2');
  });

  it("refuses a proposal for another agency's database", () => {
    assert.equal(
      violation(
        proposeAddition(
          { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'j' },
          stranger,
          now,
        ),
      ).kind,
      'forbidden',
    );
  });

  it("takes proposals from the owner's officers, not from its systems", () => {
    assert.equal(
      violation(
        proposeAddition(
          { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'j' },
          ownerSystem,
          now,
        ),
      ).code,
      'not-owner',
    );
  });

  it('refuses the same data field listed twice', () => {
    const content = landDatabase();
    content.dataFields.push({ ...content.dataFields[0]! });
    assert.equal(
      violation(proposeAddition({ entryId: 'e1', proposalId: 'p1', content, justification: 'j' }, owner, now))
        .path,
      '/content/dataFields/3/name',
    );
  });
});

describe('proposing an amendment or a withdrawal (004 Điều 4.2)', () => {
  it('refuses a change to an entry that is not listed', () => {
    assert.equal(
      violation(
        proposeChange(proposed(), { proposalId: 'p2', kind: 'withdraw', justification: 'x' }, owner, now),
      ).code,
      'not-listed',
    );
  });

  it('refuses an amendment without content and a withdrawal with content', () => {
    assert.equal(
      violation(proposeChange(listed(), { proposalId: 'p2', kind: 'amend', justification: 'x' }, owner, now))
        .code,
      'content-required',
    );
    assert.equal(
      violation(
        proposeChange(
          listed(),
          { proposalId: 'p2', kind: 'withdraw', justification: 'x', content: landDatabase() },
          owner,
          now,
        ),
      ).code,
      'content-not-allowed',
    );
  });

  it('refuses an amendment that brings state secrets in (000 Điều 1.2)', () => {
    assert.equal(
      violation(
        proposeChange(
          listed(),
          {
            proposalId: 'p2',
            kind: 'amend',
            justification: 'x',
            content: landDatabase('STNMT', { containsStateSecrets: true }),
          },
          owner,
          now,
        ),
      ).code,
      'state-secret',
    );
  });

  it('lets only the owner propose changes to its entry', () => {
    assert.equal(
      violation(
        proposeChange(listed(), { proposalId: 'p2', kind: 'withdraw', justification: 'x' }, stranger, now),
      ).code,
      'not-owner',
    );
  });

  it('keeps one open proposal at a time, and no owner change by amendment', () => {
    const open = value(
      proposeChange(listed(), { proposalId: 'p2', kind: 'withdraw', justification: 'x' }, owner, now),
    ).next;
    assert.equal(
      violation(proposeChange(open, { proposalId: 'p3', kind: 'withdraw', justification: 'y' }, owner, now))
        .code,
      'proposal-open',
    );
    assert.equal(
      violation(
        proposeChange(
          listed(),
          { proposalId: 'p2', kind: 'amend', justification: 'x', content: landDatabase('SYT') },
          owner,
          now,
        ),
      ).code,
      'owner-change',
    );
  });
});

describe('compiling (004 Điều 4.2)', () => {
  it('marks the proposal compiled, with the note in the event', () => {
    const change = value(compile(proposed(), 'p1', 'hồ sơ đầy đủ', dic, now));
    assert.equal(change.next.proposal?.status, 'compiled');
    assert.deepEqual(change.facts, [
      {
        type: 'vn.openlgsp.catalogue.proposal.compiled.v1',
        data: { proposalId: 'p1', entryId: 'e1', note: 'hồ sơ đầy đủ' },
      },
    ]);
  });

  it('refuses to compile a proposal twice, or one the entry does not have', () => {
    const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    assert.equal(violation(compile(compiled, 'p1', undefined, dic, now)).code, 'already-compiled');
    assert.equal(violation(compile(proposed(), 'p9', undefined, dic, now)).kind, 'not-found');
  });
});

describe('deciding (004 Điều 4.2)', () => {
  it('lists an approved addition after DIC compiled it', () => {
    const compiled = value(compile(proposed(), 'p1', 'hồ sơ đầy đủ', dic, now));
    const decided = value(decide(compiled.next, 'p1', { outcome: 'approved' }, committee, now));
    assert.equal(decided.next.status, 'listed');
    assert.equal(decided.next.proposal, null);
    assert.deepEqual(
      decided.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.proposal.approved.v1', 'vn.openlgsp.catalogue.entry.listed.v1'],
    );
  });

  it('refuses a decision before DIC compiled the proposal', () => {
    assert.equal(
      violation(decide(proposed(), 'p1', { outcome: 'approved' }, committee, now)).code,
      'not-compiled',
    );
  });

  it('refuses a rejection without a reason', () => {
    const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    assert.equal(
      violation(decide(compiled, 'p1', { outcome: 'rejected', reason: '  ' }, committee, now)).code,
      'reason-required',
    );
  });

  it('rejects an addition for good, but leaves a listed entry listed when its amendment is rejected', () => {
    const compiledAddition = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    const rejected = value(
      decide(compiledAddition, 'p1', { outcome: 'rejected', reason: 'trùng lặp' }, committee, now),
    );
    assert.equal(rejected.next.status, 'rejected');
    assert.deepEqual(rejected.facts[0]?.data, {
      proposalId: 'p1',
      entryId: 'e1',
      kind: 'add',
      reason: 'trùng lặp',
    });

    const amendment = value(
      proposeChange(
        listed(),
        {
          proposalId: 'p2',
          kind: 'amend',
          justification: 'x',
          content: landDatabase('STNMT', { scope: 'Huyện' }),
        },
        owner,
        now,
      ),
    ).next;
    const compiledAmendment = value(compile(amendment, 'p2', undefined, dic, now)).next;
    const kept = value(
      decide(compiledAmendment, 'p2', { outcome: 'rejected', reason: 'chưa rõ' }, committee, now),
    );
    assert.equal(kept.next.status, 'listed');
    assert.equal(kept.next.content.scope, 'Toàn tỉnh', 'a rejected amendment leaves the content as it was');
  });

  it('lets only the Committee decide and only DIC compile', () => {
    assert.equal(violation(compile(proposed(), 'p1', undefined, owner, now)).kind, 'forbidden');
    const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    assert.equal(violation(decide(compiled, 'p1', { outcome: 'approved' }, dic, now)).kind, 'forbidden');
  });

  it('says a decided proposal was already decided', () => {
    assert.equal(
      violation(decide(listed(), 'p1', { outcome: 'approved' }, committee, now)).code,
      'already-decided',
    );
  });

  it('applies an approved amendment with a new content version', () => {
    const amended = value(
      proposeChange(
        listed(),
        {
          proposalId: 'p2',
          kind: 'amend',
          justification: 'thêm trường',
          content: landDatabase('STNMT', { scope: 'Toàn tỉnh, từ 2026' }),
        },
        owner,
        now,
      ),
    ).next;
    const compiled = value(compile(amended, 'p2', undefined, dic, now)).next;
    const decided = value(decide(compiled, 'p2', { outcome: 'approved' }, committee, now));
    assert.equal(decided.next.content.scope, 'Toàn tỉnh, từ 2026');
    const event = decided.facts[1]!;
    assert.equal(event.type, 'vn.openlgsp.catalogue.entry.amended.v1');
    assert.equal((event.data as { version: number }).version, 2);
  });

  it('withdraws on an approved withdrawal, with the justification as the reason', () => {
    const open = value(
      proposeChange(
        listed(),
        { proposalId: 'p2', kind: 'withdraw', justification: 'hệ thống ngừng' },
        owner,
        now,
      ),
    ).next;
    const decided = value(
      decide(
        value(compile(open, 'p2', undefined, dic, now)).next,
        'p2',
        { outcome: 'approved' },
        committee,
        now,
      ),
    );
    assert.equal(decided.next.status, 'withdrawn');
    assert.deepEqual(decided.facts[1]!.data, { entryId: 'e1', version: 1, reason: 'hệ thống ngừng' });
  });
});
