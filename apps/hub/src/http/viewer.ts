import { PartnershipDirectory, Viewer } from '@onestop/application';
import { ForbiddenError, Principal } from '@onestop/auth';

/** The caller as a viewer of person data: a registered agency and a purpose. */
export function viewerOf(caller: Principal, directory: PartnershipDirectory): Viewer {
  const agency = directory.agency(caller.agencyId);
  if (!agency) throw new ForbiddenError('only member agencies read person records');
  return { agency: { agencyId: agency.agencyId, kind: agency.kind }, purpose: caller.purpose ?? 'direct-support' };
}
