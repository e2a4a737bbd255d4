import { NotFoundError } from '@onestop/domain';
import { HubRuntime, publisherTablesExist } from '@onestop/application';
import { ForbiddenError, Principal } from '@onestop/auth';

/**
 * A DPO reads their own partnership's log: the caller must act for a member agency of this hub's
 * partnership (the role itself is checked by the guard).
 */
export function assertPartnershipDpo(caller: Principal, runtime: HubRuntime): void {
  if (!runtime.directory.agency(caller.agencyId)) throw new ForbiddenError('only the data-protection officers of member agencies read the audit log');
}

/** Whether the publisher's tables exist in this file yet (they appear when a publisher first runs). */
export function hasPublisherTables(runtime: HubRuntime): boolean {
  return publisherTablesExist(runtime.db);
}

/**
 * Subject access and erasure concern one person: only the DPO of an agency that recorded
 * something about them, or received something about them, may act. Anyone else is told the
 * person is not found, so the call reveals nothing.
 */
export async function assertDpoConcerned(caller: Principal, runtime: HubRuntime, personId: string): Promise<void> {
  assertPartnershipDpo(caller, runtime);
  const recorded = await runtime.store.readStream(`person-${personId}`);
  if (recorded.some((e) => (e.metadata as { recordedBy?: string }).recordedBy === caller.agencyId)) return;
  const received =
    hasPublisherTables(runtime) &&
    runtime.db.prepare('SELECT 1 FROM pub_disclosures WHERE person_id = ? AND agency_id = ? LIMIT 1').get(personId, caller.agencyId) !== undefined;
  if (!received) throw new NotFoundError('person', personId);
}
