import type { Actor } from '../common/actor.js';
import { incidentsConfigFromEnv } from '../config.js';
import type { IncidentReport } from './incident.model.js';

/** Shared by the incident specs. */
export const config = incidentsConfigFromEnv({});
export const windowMs = config.dedupWindowMinutes * 60_000;
export const officer: Actor = { sub: 'user-binh', agency: 'so-nnmt', roles: ['provider'] };
export const colleague: Actor = { sub: 'user-chi', agency: 'so-nnmt', roles: ['consumer'] };
export const siem: Actor = { sub: 'key-so-nnmt-siem', agency: 'so-nnmt', roles: ['integrator'] };
export const dic: Actor = { sub: 'user-dic-01', agency: 'so-tttt', roles: ['dic'] };
export const otherAgency: Actor = { sub: 'user-an', agency: 'so-xd', roles: ['provider'] };
export const police: Actor = { sub: 'user-a05', agency: 'ca-tinh', roles: ['police'] };
export const auditor: Actor = { sub: 'user-kt', agency: 'thanh-tra', roles: ['auditor'] };

export const detectedAt = new Date('2025-11-20T02:40:00Z');
export const now = new Date('2025-11-20T03:00:00Z');
export const ID = '0197a1b2-7c4d-7e8f-9a01-000000001001';

export const alert = (overrides: Partial<IncidentReport> = {}): IncidentReport => ({
  door: 'monitoring',
  agency: 'so-nnmt',
  source: '/agencies/so-nnmt/siem',
  sourceRef: 'ALERT-42',
  contact: { name: 'Trần Thị Bình', phone: '0232 3822 456' },
  category: 'availability/ddos',
  severity: 'high',
  affectedSystems: [{ name: 'Cổng dịch vụ công', securityLevel: 3 }],
  detectedAt,
  description: 'Lưu lượng bất thường, dịch vụ gián đoạn.',
  observables: [
    { type: 'ip', value: '203.0.113.7', tlp: 'AMBER' },
    { type: 'ip', value: '198.51.100.23', tlp: 'RED' },
    { type: 'domain', value: 'Bad.Example.NET', tlp: 'GREEN' },
  ],
  attachments: [],
  ...overrides,
});
