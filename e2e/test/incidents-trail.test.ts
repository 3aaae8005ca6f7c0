import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ServiceUnderTest } from '@openlgsp/http/testing';
import { auditFilesIn, startPlatform } from './platform.js';
import { assertTrace } from './traces.js';

/**
 * Incidents and audit on one nats-server and one FerretDB: every step of an incident — the report,
 * each transition, a refused call — is in the audit trail under the trace of the call that made it,
 * and the chain verifies.
 */
const dir = mkdtempSync(join(tmpdir(), 'lgsp-e2e-incidents-'));
let platform: Awaited<ReturnType<typeof startPlatform<'audit' | 'incidents'>>>;
let incidents: ServiceUnderTest;
let audit: ServiceUnderTest;

before(async () => {
  platform = await startPlatform(['audit', 'incidents'], {
    audit: auditFilesIn(dir),
  });
  ({ incidents, audit } = platform.services);
});
after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string) => tp.split('-')[1]!;

interface Entry {
  type?: string;
  stream: string;
  traceId?: string;
}

async function trailOf(traceId: string, types: string[]): Promise<Entry[]> {
  const auditor = await audit.token('TTRA', ['auditor']);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await audit.request('GET', `/audit/entries?traceId=${traceId}&limit=200`, {
      token: auditor,
    });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const items = page.body.items as Entry[];
    if (types.every((t) => items.some((e) => e.type === t))) return items;
    if (Date.now() > deadline)
      throw new Error(`trace ${traceId}: ${JSON.stringify(items.map((e) => e.type))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ACCESS = 'vn.openlgsp.audit.access.recorded.v1';

describe('an incident in the audit trail', () => {
  it('holds every step under one trace per call, refusals included, and the chain verifies', async () => {
    const officer = await incidents.token('SYT', ['provider'], 'syt-officer');
    const dic = await incidents.token('STTTT', ['dic'], 'dic-responder');
    const calls: { tp: string; type: string; path: string }[] = [];
    const call = async (path: string, token: string, body: unknown, type: string, status = 200) => {
      const tp = traceparent();
      const answer = await incidents.request('POST', path, { token, body, headers: { traceparent: tp } });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      calls.push({ tp, type, path });
      return answer.body;
    };
    const { incidentId } = await call(
      '/incidents/incidents',
      officer,
      {
        contact: { name: 'Trần Thị Bình' },
        category: 'fraud/phishing',
        severity: 'critical',
        detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
        description: 'Thư giả mạo.',
        observables: [
          { type: 'domain', value: 'login-gov.example', tlp: 'GREEN' },
          { type: 'ip', value: '203.0.113.9', tlp: 'RED' },
        ],
      },
      'vn.openlgsp.incidents.incident.reported.v1',
      201,
    );
    const step = (s: string) => `/incidents/incidents/${incidentId}/${s}`;
    await call(
      step('acknowledgement'),
      dic,
      { note: 'Xác nhận' },
      'vn.openlgsp.incidents.incident.acknowledged.v1',
    );
    await call(
      step('assignment'),
      dic,
      { assignee: { kind: 'dic', name: 'Đội ứng cứu' }, note: 'DIC xử lý' },
      'vn.openlgsp.incidents.incident.assigned.v1',
    );
    await call(
      step('containment'),
      officer,
      { note: 'Chặn tên miền' },
      'vn.openlgsp.incidents.incident.contained.v1',
    );
    await call(step('resolution'), officer, { note: 'Xong' }, 'vn.openlgsp.incidents.incident.resolved.v1');
    await call(
      step('reports'),
      officer,
      { kind: 'final', documentRef: '15/BC', channel: 'email' },
      'vn.openlgsp.incidents.report.submitted.v1',
    );
    await call(step('closure'), officer, { note: 'Hoàn tất' }, 'vn.openlgsp.incidents.incident.closed.v1');
    for (const { tp, type, path } of calls) {
      const entries = await trailOf(traceOf(tp), [type, ACCESS]);
      assert.ok(entries.every((e) => e.traceId === traceOf(tp)));
      assert.ok(entries.some((e) => e.stream === 'INCIDENTS'));
      // and as a trace: the call, its event, the audit trail recording both
      const route = path.replace(incidentId, '{incidentId}');
      const subject = type.replace(/^vn\.openlgsp\./, 'lgsp.').replace(/\.v\d+$/, '');
      await assertTrace({
        traceparent: tp,
        spans: {
          incidents: [`POST ${route}`, `publish ${subject}`, 'publish lgsp.audit.access.incidents'],
          audit: [`process ${subject}`, 'process lgsp.audit.access.incidents'],
        },
      });
    }
    // a refused call is audited under its trace
    const refusal = traceparent();
    const refused = await incidents.request('POST', step('cert-escalation'), {
      token: officer,
      body: { cert: 'VNCERT/CC', reference: 'X', note: 'thử' },
      headers: { traceparent: refusal },
    });
    assert.equal(refused.status, 403);
    await trailOf(traceOf(refusal), [ACCESS]);

    const verification = await audit.request('GET', '/audit/verification', {
      token: await audit.token('STTTT', ['dic']),
    });
    assert.equal(verification.status, 200, JSON.stringify(verification.body));
    assert.equal(verification.body.ok, true, JSON.stringify(verification.body));
  });
});
