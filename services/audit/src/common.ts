import { ROLES, type Role } from '@openlgsp/auth';

/** DIC runs the platform and auditors inspect it: they see the whole trail. */
export const TRAIL_READERS: Role[] = ['dic', 'auditor'];
/** Every state agency's staff may read the entries about its own agency; external apps may not. */
export const AGENCY_STAFF: Role[] = ROLES.filter((r) => r !== 'public-app');
