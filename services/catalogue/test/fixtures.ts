import assert from 'node:assert/strict';
import type { Actor, Result, RuleViolation } from '@openlgsp/domain';
import type { EntryState, ProposedContent } from '../src/entries/entry.model.js';
import { compile, decide, proposeAddition } from '../src/entries/proposal.rules.js';

/** A realistic catalogue entry: the land database of the Department of Natural Resources. */
export function landDatabase(owner = 'STNMT', overrides: Partial<ProposedContent> = {}): ProposedContent {
  return {
    name: 'Cơ sở dữ liệu đất đai',
    ownerAgency: owner,
    purpose: 'Tra cứu thông tin thửa đất phục vụ thủ tục hành chính',
    scope: 'Toàn tỉnh',
    sector: 'land',
    dataFields: [
      { name: 'parcelId', description: 'Mã thửa đất', type: 'code' },
      { name: 'ownerName', description: 'Tên chủ sử dụng', type: 'string', personal: true },
      { name: 'area', description: 'Diện tích (m2)', type: 'number' },
    ],
    updateFrequency: 'daily',
    integrationTime: 'within 24 hours of a change',
    validityPeriod: 'P1Y',
    sharingMode: 'request',
    open: false,
    masterData: true,
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '12' }],
    containsStateSecrets: false,
    ...overrides,
  };
}

/** What a provider declares for its land entry: the sharing service that serves it. */
export function landService(entryId: string) {
  return {
    entryId,
    name: 'Tra cứu thửa đất',
    protocol: 'rest',
    endpoint: 'https://lgsp.example.vn/land/v1',
    version: '1.0.0',
  };
}

/** The people of the rule specs: STNMT owns the land database. */
export const owner: Actor = { sub: 'lan', agency: 'STNMT', roles: ['provider'] };
export const ownerSystem: Actor = { sub: 'system:STNMT', agency: 'STNMT', roles: ['integrator'] };
export const stranger: Actor = { sub: 'minh', agency: 'SYT', roles: ['provider'] };
export const dic: Actor = { sub: 'dic-1', agency: 'STTTT', roles: ['dic'] };
export const committee: Actor = { sub: 'ubnd-1', agency: 'UBND', roles: ['committee'] };
export const auditor: Actor = { sub: 'kt-1', agency: 'TTRA', roles: ['auditor'] };

export const NOW = new Date('2026-03-02T03:00:00Z');

/** The violation a rule answered with; fails the test when the rule passed. */
export function violation<T>(result: Result<T>): RuleViolation {
  if (result.ok) assert.fail('expected the rule to refuse, but it passed');
  return result.violation;
}

/** The value a rule answered with; fails the test, showing the violation, when the rule refused. */
export function value<T>(result: Result<T>): T {
  if (!result.ok) assert.fail(`expected the rule to pass, got ${JSON.stringify(result.violation)}`);
  return result.value;
}

/** The land database as proposed by its owner: entry e1, proposal p1. */
export function proposedEntry(content: ProposedContent = landDatabase()): EntryState {
  return value(
    proposeAddition({ entryId: 'e1', proposalId: 'p1', content, justification: 'cần chia sẻ' }, owner, NOW),
  ).next;
}

/** The land database listed: compiled by DIC and approved by the Committee at NOW. */
export function listedEntry(content: ProposedContent = landDatabase()): EntryState {
  const compiled = value(compile(proposedEntry(content), 'p1', undefined, dic, NOW)).next;
  return value(decide(compiled, 'p1', { outcome: 'approved', decisionRef: '123/QĐ-UBND' }, committee, NOW))
    .next;
}
