// The opendata service as the portal's browser tests run it: the shared platform, the portal, and
// its read-model port over a real collection (the public read side binds it at merge).
import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { PortalModule } from '../src/portal/portal.module.js';
import { portalDcatLinks } from '../src/portal/portal.links.js';
import { DEFAULT_LICENCES } from '../src/vocabularies/licences.js';
import { StoredPortalReadModel } from './portal-read-model.js';

export const PUBLIC_BASE_URL = 'https://opendata.example.gov.vn';

@Module({
  imports: [
    PlatformModule.forService('opendata', { consumers: [] }),
    PortalModule.register({
      readModel: { useClass: StoredPortalReadModel },
      settings: { links: portalDcatLinks(PUBLIC_BASE_URL), licences: DEFAULT_LICENCES },
    }),
  ],
})
export class PortalTestAppModule {}
