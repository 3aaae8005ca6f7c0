import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { incidentsConfigFromEnv } from './config.js';

describe('incidentsConfigFromEnv', () => {
  it('defaults to the regulations’ days and the documented targets', () => {
    const c = incidentsConfigFromEnv({});
    assert.deepEqual(c.acknowledgementHours, { critical: 1, high: 4, medium: 24, low: 72 });
    assert.deepEqual(c.resolutionHours, { critical: 24, high: 72, medium: 168, low: 720 });
    assert.equal(c.notificationDays, 5);
    assert.equal(c.finalReportDays, 5);
    assert.equal(c.dedupWindowMinutes, 60);
    assert.deepEqual(c.securityReportDue, { month: 11, day: 15 });
    assert.deepEqual(c.networkUseReportDue, { month: 12, day: 1 });
  });

  it('reads each setting from the environment', () => {
    const c = incidentsConfigFromEnv({
      INCIDENTS_ACK_HOURS_CRITICAL: '2',
      INCIDENTS_DEDUP_WINDOW_MINUTES: '15',
      INCIDENTS_SECURITY_REPORT_DUE: '11-10',
    });
    assert.equal(c.acknowledgementHours.critical, 2);
    assert.equal(c.dedupWindowMinutes, 15);
    assert.deepEqual(c.securityReportDue, { month: 11, day: 10 });
  });

  it('refuses bad values with the variable name', () => {
    assert.throws(() => incidentsConfigFromEnv({ INCIDENTS_DEDUP_WINDOW_MINUTES: 'hour' }), /DEDUP_WINDOW/);
    assert.throws(() => incidentsConfigFromEnv({ INCIDENTS_SECURITY_REPORT_DUE: '15/11' }), /MM-DD/);
    assert.throws(() => incidentsConfigFromEnv({ INCIDENTS_NETWORK_USE_REPORT_DUE: '02-30' }), /MM-DD/);
  });

  it('never lengthens the 5 days of Thông tư 20/2017', () => {
    assert.throws(() => incidentsConfigFromEnv({ INCIDENTS_NOTIFICATION_DAYS: '7' }), /from 1 to 5/);
    assert.throws(() => incidentsConfigFromEnv({ INCIDENTS_FINAL_REPORT_DAYS: '10' }), /from 1 to 5/);
  });

  it('keeps graver incidents on shorter targets, and triage before resolution', () => {
    assert.throws(
      () => incidentsConfigFromEnv({ INCIDENTS_ACK_HOURS_CRITICAL: '10' }),
      /INCIDENTS_ACK_HOURS_CRITICAL must not exceed INCIDENTS_ACK_HOURS_HIGH/,
    );
    assert.throws(
      () => incidentsConfigFromEnv({ INCIDENTS_RESOLUTION_HOURS_CRITICAL: '1' }),
      /ACK_HOURS_CRITICAL must be less than/,
    );
  });
});
