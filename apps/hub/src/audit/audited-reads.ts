import { Inject, Injectable } from '@nestjs/common';
import { BreakGlassGrantRow, breakGlassHistory, HubRuntime, PersonReader, shownBy, Viewer, VisibleEvent } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { NotFoundError } from '@onestop/domain';
import { viewerOf } from '../http/viewer';
import { PERSON_READER } from '../people/person-reader.provider';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { AccessRecorder } from './access-recorder';

/** A person's history as one caller may see it now, and how. */
export interface AuditedView {
  viewer: Viewer;
  history: VisibleEvent[];
  /** The break-glass grant the read was made under, if any. */
  grant?: BreakGlassGrantRow;
  /** How many people had been erased when the history was read (`PersonReader.erasures`). */
  erasures: number;
}

/**
 * Person reads with their access record: through the sharing decision, or, for a caseworker
 * holding a break-glass grant in force over the person, everything under vital interests. The
 * record (marked `breakGlass` under a grant) is written before the data is returned.
 */
@Injectable()
export class AuditedReads {
  constructor(
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    @Inject(PERSON_READER) private readonly reader: PersonReader,
    private readonly access: AccessRecorder,
  ) {}

  async history(caller: Principal, personId: string, action: string): Promise<AuditedView> {
    const viewer = viewerOf(caller, this.runtime.directory);
    const erasures = this.reader.erasures();
    const now = this.runtime.nowIso();
    const grant = caller.roles.includes('caseworker') ? this.runtime.audit.breakGlass.active(personId, caller.agencyId, caller.subject, now) : undefined;
    const history = grant ? await breakGlassHistory(this.reader, personId, grant.grant_id) : await this.reader.visibleHistory(personId, viewer, now);
    if (history.length === 0) throw new NotFoundError('person', personId);
    await this.access.record(caller, action, { personId, purpose: viewer.purpose, shown: shownBy(history), breakGlassGrant: grant?.grant_id, detail: { events: history.length } });
    return { viewer, history, grant, erasures };
  }
}
