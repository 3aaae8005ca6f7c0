import { hasRole, seesEverything } from '@openlgsp/auth';
import type { Actor } from '@openlgsp/domain';
import type { EntryState } from './entry.model.js';

/**
 * Who sees the whole catalogue, listed or not: those who see everything (DIC, auditors), and the
 * People's Committee, which decides on it (004 Điều 4.2).
 */
const seesWholeCatalogue = (by: Actor) => seesEverything(by) || hasRole(by, 'committee');

/** Who may see an entry that is not (yet, or any more) listed: its owner, DIC, the Committee, auditors. */
export function canSee(entry: Pick<EntryState, 'status' | 'ownerAgency'>, by: Actor | undefined): boolean {
  if (entry.status === 'listed') return true;
  if (!by) return false;
  return by.agency === entry.ownerAgency || seesWholeCatalogue(by);
}

/** The same rule as a store filter, for searches: `canSee` holds for every document it matches. */
export function visibleTo(by: Actor | undefined): Record<string, unknown> {
  if (by && seesWholeCatalogue(by)) return {};
  // An agency code is never empty for an agency principal; a key with no agency sees listed entries.
  return by?.agency ? { $or: [{ status: 'listed' }, { ownerAgency: by.agency }] } : { status: 'listed' };
}
