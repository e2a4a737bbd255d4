import { Inject, Injectable } from '@nestjs/common';
import { HubRuntime, Shown } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

/** What one access record says beyond who read. */
export interface AccessFacts {
  personId?: string;
  /** The fields and categories shown. */
  shown?: Shown;
  /** The purpose the read was decided for. */
  purpose?: string;
  /** The break-glass grant the read was made under. */
  breakGlassGrant?: string;
  detail?: Record<string, unknown>;
}

/**
 * Writes the `access` record of a read, export or search. Controllers await it after the data is
 * assembled and before it is returned: if the record cannot be written the call fails and nothing
 * is shown. Reads arriving together share one commit.
 */
@Injectable()
export class AccessRecorder {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  record(caller: Principal, action: string, facts: AccessFacts = {}): Promise<void> {
    return this.recordMany(caller, action, [facts]);
  }

  /** One record per person (a search that shows several). */
  recordMany(caller: Principal, action: string, many: readonly AccessFacts[]): Promise<void> {
    if (many.length === 0) return Promise.resolve();
    const at = this.runtime.nowIso();
    return this.runtime.audit.log.appendSoon(
      many.map((f) => ({
        kind: 'access' as const,
        at,
        agencyId: caller.agencyId,
        actor: caller.subject,
        roles: caller.roles,
        ...(f.purpose ?? caller.purpose ? { purpose: f.purpose ?? caller.purpose } : {}),
        ...(f.personId ? { personId: f.personId } : {}),
        ...(f.shown ? { categories: f.shown.categories, fields: f.shown.fields } : {}),
        detail: { action, ...(f.breakGlassGrant ? { breakGlass: true, grantId: f.breakGlassGrant } : {}), ...f.detail },
      })),
    );
  }
}
