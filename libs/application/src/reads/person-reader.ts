import type { Database } from 'better-sqlite3';
import { evolveConsents, NotFoundError, PersonEvent, Purpose, SubjectEvent, ConsentLedger } from '@onestop/domain';
import { KeyDestroyedError, KeyStore, Pseudonymizer } from '@onestop/crypto';
import { AgencyFacts, agreementsInForce, DecidableEvent, decide, Decision, Permit } from '@onestop/policy';
import { EventRepository, OpenedEvent } from '../event-repository';
import { groundName } from '../publisher/message-builder';
import { PartnershipDirectory } from '../partnership-directory';

/** One event of a person's history as one agency may see it. */
export interface VisibleEvent {
  id: string;
  type: string;
  stream: string;
  revision: number;
  occurredAt: string;
  recordedBy: string;
  data: Record<string, unknown>;
  basis: string;
  explanation: Permit['primary'] | BreakGlassGround;
}

/** Why an event was shown under emergency access: a break-glass grant, basis `vital-interests`. */
export interface BreakGlassGround {
  kind: 'break-glass';
  grantId: string;
  basis: 'vital-interests';
}

/** Who is reading, for what. */
export interface Viewer {
  agency: AgencyFacts;
  purpose: Purpose;
}

/**
 * Reads a person's record through the sharing decision, so a caseworker sees exactly what
 * their agency may receive now for their purpose: the same rule that filters the feeds.
 */
export class PersonReader {
  constructor(
    private readonly db: Database,
    private readonly repository: EventRepository,
    private readonly directory: PartnershipDirectory,
    private readonly keys: KeyStore,
    private readonly pseudonyms: Pseudonymizer,
  ) {}

  /** Every event about the person (person stream and their referrals), in recorded order. */
  async events(personId: string): Promise<OpenedEvent<SubjectEvent>[]> {
    if (this.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const own = await this.repository.readStream<PersonEvent>(`person-${personId}`);
    if (own.length === 0) throw new NotFoundError('person', personId);
    const referralIds = this.db.prepare('SELECT referral_id FROM rm_referrals WHERE person_id = ?').pluck().all(personId) as string[];
    const referrals = await Promise.all(referralIds.map((id) => this.repository.readStream<SubjectEvent>(`referral-${id}`)));
    return [...own, ...referrals.flat()].sort((a, b) => a.position - b.position) as OpenedEvent<SubjectEvent>[];
  }

  /** The consents as they stood at `at`, folded from the person's events up to then. */
  static consentsAt(events: readonly OpenedEvent<SubjectEvent>[], at: string): ConsentLedger {
    const t = Date.parse(at);
    return events
      .filter((e) => Date.parse(e.metadata.occurredAt) <= t)
      .reduce((ledger, e) => evolveConsents(ledger, e as unknown as PersonEvent), new Map() as ConsentLedger);
  }

  /** Decides every event for the viewer at `at`; returns the permitted ones, filtered. */
  async visibleHistory(personId: string, viewer: Viewer, at: string): Promise<VisibleEvent[]> {
    const events = await this.events(personId);
    const consents = PersonReader.consentsAt(events, at);
    const agreements = this.directory.agreementVersions();
    const inForce = agreementsInForce(agreements, at);
    const groundsFound = new Map();
    const visible: VisibleEvent[] = [];
    for (const e of events) {
      const decision: Decision = decide({ event: e as unknown as DecidableEvent, agency: viewer.agency, agreements, inForce, groundsFound, consents, at, purpose: viewer.purpose });
      if (!decision.permit) continue;
      visible.push({
        id: e.id,
        type: e.type,
        stream: e.stream,
        revision: e.revision,
        occurredAt: e.metadata.occurredAt,
        recordedBy: e.metadata.recordedBy,
        data: decision.data,
        basis: groundName(decision.primary),
        explanation: decision.primary,
      });
    }
    return visible;
  }

  /** The person's per-agency pseudonym. */
  pseudonym(agencyId: string, personId: string): string {
    return this.pseudonyms.pseudonym(agencyId, personId);
  }
}
