import type { Database, Statement } from 'better-sqlite3';
import { CONSENT_EVENT_TYPES, evolveConsents, NotFoundError, PersonEvent, Purpose, SubjectEvent, ConsentLedger } from '@onestop/domain';
import { KeyDestroyedError, KeyStore, Pseudonymizer } from '@onestop/crypto';
import { AgencyFacts, agreementsInForce, DecidableEvent, decide, DecisionInput, groundsByGrant, groundsKey, Permit } from '@onestop/policy';
import { EventRepository, OpenedEvent } from '../event-repository';
import { groundName } from '../publisher/message-builder';
import { PartnershipDirectory } from '../partnership-directory';
import { deepFreeze } from '../deep-freeze';
import { memoOf, withMemo } from './event-memo';
import { HistoryBodies, HistoryView } from './history-json';

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

/** An opened event as shown: its place, when and by whom it was recorded, `data`, and on what ground. */
export function eventAsShown(e: OpenedEvent, data: Record<string, unknown>, basis: string, explanation: VisibleEvent['explanation']): VisibleEvent {
  return { id: e.id, type: e.type, stream: e.stream, revision: e.revision, occurredAt: e.metadata.occurredAt, recordedBy: e.metadata.recordedBy, data, basis, explanation };
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
 *
 * Each event's last decision is kept in the event's memo (opened events are frozen and shared),
 * with the viewer and the table of grounds by grant in force for them (`groundsKey`): the
 * decision of an event depends on nothing else, so while agreements, consents and the moment
 * leave that table as it was, reading the person again decides only the events recorded since.
 */
export class PersonReader {
  private readonly referralsOf: Statement<[string]>;
  private readonly bodies: HistoryBodies;

  constructor(
    db: Database,
    private readonly repository: EventRepository,
    private readonly directory: PartnershipDirectory,
    private readonly keys: KeyStore,
    private readonly pseudonyms: Pseudonymizer,
    { historyBodyBytes }: { historyBodyBytes?: number } = {},
  ) {
    this.bodies = new HistoryBodies(historyBodyBytes);
    this.referralsOf = db.prepare<[string]>('SELECT referral_id FROM rm_referrals WHERE person_id = ?').pluck();
  }

  /** Every event about the person (person stream and their referrals), in recorded order. */
  async events(personId: string): Promise<OpenedEvent<SubjectEvent>[]> {
    if (this.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const referralIds = this.referralsOf.all(personId) as string[];
    const [own, ...referrals] = await this.repository.readStreams<SubjectEvent>([`person-${personId}`, ...referralIds.map((id) => `referral-${id}`)]);
    if (own.length === 0) throw new NotFoundError('person', personId);
    return own.concat(...referrals).sort((a, b) => a.position - b.position);
  }

  /** The consents as they stood at `at`, folded from the person's events up to then. */
  static consentsAt(events: readonly OpenedEvent<SubjectEvent>[], at: string): ConsentLedger {
    const t = Date.parse(at);
    let ledger: ConsentLedger = new Map();
    for (const e of events) {
      if (CONSENT_EVENT_TYPES.has(e.type) && Date.parse(e.metadata.occurredAt) <= t) ledger = evolveConsents(ledger, e as unknown as PersonEvent);
    }
    return ledger;
  }

  /** Decides every event for the viewer at `at`; returns the permitted ones, filtered. */
  async visibleHistory(personId: string, viewer: Viewer, at: string): Promise<VisibleEvent[]> {
    const events = await this.events(personId);
    const agreements = this.directory.agreementVersions();
    const question = { agency: viewer.agency, purpose: viewer.purpose, agreements, inForce: agreementsInForce(agreements, at), consents: PersonReader.consentsAt(events, at), at };
    const groundsFound = groundsByGrant(question);
    const context = `${viewer.agency.agencyId}\u0000${viewer.agency.kind}\u0000${viewer.purpose}${groundsKey(groundsFound)}`;
    const input = { ...question, groundsFound };
    const visible: VisibleEvent[] = [];
    for (const e of events) {
      const memo = memoOf(e);
      let decided = memo?.decided;
      if (decided?.context !== context) {
        decided = { context, visible: this.decide(e, input) };
        if (memo) memo.decided = decided;
      }
      if (decided.visible) visible.push(decided.visible);
    }
    return visible;
  }

  /** One event as the viewer may see it, or nothing. */
  private decide(e: OpenedEvent<SubjectEvent>, question: Omit<DecisionInput, 'event'>): VisibleEvent | undefined {
    const decision = decide({ ...question, event: e as unknown as DecidableEvent });
    if (!decision.permit) return undefined;
    // Frozen through: shared by later reads, which reuse its JSON and what it shows (its memo).
    return deepFreeze(withMemo(eventAsShown(e, decision.data, groundName(decision.primary), decision.primary)));
  }

  /** How many people have been erased so far: taken before a read, given to `historyBody`. */
  erasures(): number {
    return this.keys.erasures();
  }

  /**
   * The JSON body of a history read (`historyJson`), the same bytes as last time when the reader
   * reads the same events again (`HistoryBodies`); `erasuresWhenRead` is `erasures()` taken before
   * the view's events were read.
   */
  historyBody(view: HistoryView, erasuresWhenRead: number): Buffer {
    return this.bodies.json(view, { whenRead: erasuresWhenRead, now: this.keys.erasures() });
  }

  /** The person's per-agency pseudonym. */
  pseudonym(agencyId: string, personId: string): string {
    return this.pseudonyms.pseudonym(agencyId, personId);
  }
}
