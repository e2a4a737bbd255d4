import type { Principal } from '@onestop/auth';
import type { EventMetadata, Purpose } from '@onestop/domain';

/** Nest token of the process's `HubRuntime`. */
export const HUB_RUNTIME = Symbol('HubRuntime');

/** Nest token of the process's `HttpMetrics` (`null` when requests are not counted). */
export const HTTP_METRICS = Symbol('HttpMetrics');

/** Nest token of the bootstrap administrator's token issuer (`null` when none is configured). */
export const ADMIN_ISSUER = Symbol('AdminIssuer');

/** The metadata recorded with every event a caller's command produces. */
export function metadataFor(
  caller: Principal,
  now: string,
  extra: { personId?: string; purpose?: Purpose; addressedTo?: string[] } = {},
): EventMetadata {
  const metadata: EventMetadata = {
    recordedBy: caller.agencyId,
    actor: caller.subject,
    purpose: extra.purpose ?? caller.purpose ?? 'direct-support',
    occurredAt: now,
  };
  if (extra.personId) metadata.personId = extra.personId;
  if (extra.addressedTo) metadata.addressedTo = extra.addressedTo;
  return metadata;
}

/** The expected revision from `If-Match` or, failing that, the body (`null` there means none). */
export function expectedRevisionOf(ifMatch: number | undefined, body?: { expectedRevision?: number }): number | undefined {
  return ifMatch ?? body?.expectedRevision ?? undefined;
}
