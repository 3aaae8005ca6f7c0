// What the audit service's integration tests share: the service on its engines, its files in a folder.
import { join } from 'node:path';
import { startService, type ManualClock, type ServiceUnderTest } from '@openlgsp/http/testing';

/**
 * The audit service on fresh engines, on a manual clock, keeping its keys and archives in `dir`;
 * checkpoints and archives are made by hand (their timers are off).
 */
export function startAudit(
  clock: ManualClock,
  dir: string,
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  return startService({
    service: 'audit',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    clock,
    env: {
      LGSP_DATA: dir,
      AUDIT_ARCHIVE_DIR: join(dir, 'archive'),
      AUDIT_CHECKPOINT_INTERVAL_MS: '0',
      AUDIT_ARCHIVE_INTERVAL_MS: '0',
      ...env,
    },
  });
}
