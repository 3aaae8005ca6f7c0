// What the incidents service's integration tests share: the service on its engines, and a report.
import { startService, type ManualClock, type ServiceUnderTest } from '@openlgsp/http/testing';

/** The incidents service on fresh engines, on a manual clock; deadline ticks are called by hand. */
export function startIncidents(
  clock: ManualClock,
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  return startService({
    service: 'incidents',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    clock,
    env: { INCIDENTS_DEADLINE_TICK_MS: '3600000', ...env },
  });
}

/** A phishing report with one indicator of each marking that matters. */
export function reportBody(over: Record<string, unknown> = {}) {
  return {
    contact: { name: 'Trần Thị Bình', email: 'binh.tt@syt.example.gov.vn' },
    category: 'fraud/phishing',
    severity: 'high',
    detectedAt: '2026-12-07T08:30:00+07:00',
    description: 'Thư giả mạo gửi tới cán bộ, dẫn tới trang đăng nhập giả.',
    observables: [
      { type: 'domain', value: 'Login-Gov.example', tlp: 'GREEN' },
      { type: 'ip', value: '203.0.113.7', tlp: 'AMBER' },
      { type: 'email', value: 'attacker@evil.example', tlp: 'RED' },
    ],
    ...over,
  };
}

/** A monitoring system's alert (intake alert.raised data). */
export function alertBody(sourceRef: string, over: Record<string, unknown> = {}) {
  return {
    sourceRef,
    category: 'malicious-code/infected-system',
    severity: 'medium',
    detectedAt: '2026-12-07T08:00:00+07:00',
    description: 'EDR: mã độc trên máy trạm.',
    observables: [{ type: 'file-hash', value: 'd41d8cd98f00b204e9800998ecf8427e', tlp: 'GREEN' }],
    contact: { name: 'Phòng CNTT' },
    ...over,
  };
}
