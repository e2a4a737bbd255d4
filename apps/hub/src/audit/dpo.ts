import { HubRuntime } from '@onestop/application';
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
  return runtime.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'pub_retractions'").pluck().get() === 1;
}
