import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outboxBacklogOf } from './platform-status.js';

describe("a service's outbox backlog", () => {
  it('is read from its /metrics, by store', () => {
    assert.deepEqual(
      outboxBacklogOf(
        [
          '# HELP lgsp_outbox_backlog Events found pending by the outbox sweeper',
          '# TYPE lgsp_outbox_backlog gauge',
          'lgsp_outbox_backlog{store="requests"} 3',
          'lgsp_outbox_backlog{store="grants"} 0',
          'lgsp_outbox_backlog_other{store="x"} 9',
        ].join('\n'),
      ),
      { requests: 3, grants: 0 },
    );
  });
});
