import {
  CONSENT_EVENT_TYPES,
  ConsentLedger,
  consentCovers,
  DomainError,
  EventMetadata,
  evolveConsents,
  PersonEvent,
  ReferralCommand,
  referralDecider,
} from '@onestop/domain';
import { groundFor } from '@onestop/policy';
import { OpenedEvent } from '../event-repository';
import { HubRuntime } from '../runtime/hub-runtime';

/** What a referral row needs for the consent checks. */
interface ReferralRow {
  referral_id: string;
  person_id: string;
  from_agency: string;
  to_agency: string;
  raised_at: string | null;
}

/** How many referrals a step released or withdrew, and the position of the last event it appended. */
export interface FollowUp {
  count: number;
  last?: number;
}

/** The consent events that end a consent (what it covered may leave referrals uncovered). */
const ENDINGS = new Set(['ConsentWithdrawn.v1', 'ConsentExpired.v1']);

/**
 * Referrals that follow the person's consent (and their erasure: `withdrawForErasure`).
 *
 * - Released on consent: a prepared referral is raised (`ReleaseReferral`) the moment the person
 *   has an active consent covering its receiving agency for the category and purpose `referral`,
 *   and the sharing decision gives that agency a ground for `referral` (so the receiver gets it).
 * - Withdrawn with consent: a raised, acknowledged or accepted referral whose receiving agency
 *   was covered by consent before a withdrawal or expiry and is not after it is withdrawn with
 *   the reason `consent withdrawn` (or `consent expired`). The publisher retracts what the
 *   receiver held on that consent.
 *
 * Both are recorded by the hub (`recordedBy: 'hub'`) and addressed to the two agencies, like every
 * referral event. Both are safe to run twice, or from two processes: the referral decider
 * refuses a second release or withdrawal, and those refusals are ignored here.
 */
export class ConsentReferrals {
  constructor(private readonly runtime: HubRuntime) {}

  /**
   * After person events were appended: releases or withdraws what they call for. Returns the
   * position of the last event this appended (for `publisher.waitFor`), if any.
   */
  async afterPersonEvents(personId: string, types: readonly string[], position: number | undefined): Promise<number | undefined> {
    if (!types.some((t) => CONSENT_EVENT_TYPES.has(t))) return undefined;
    let last: number | undefined;
    if (types.includes('ConsentGiven.v1')) last = (await this.release(personId)).last;
    if (position !== undefined && types.some((t) => ENDINGS.has(t))) last = max(last, (await this.withdrawUncovered(personId, position)).last);
    return last;
  }

  /** Raises the person's prepared referrals that a consent now covers. */
  async release(personId: string): Promise<FollowUp> {
    const { runtime } = this;
    const prepared = runtime.db
      .prepare("SELECT referral_id, person_id, from_agency, to_agency, raised_at FROM rm_referrals WHERE person_id = ? AND status = 'prepared' ORDER BY created_at")
      .all(personId) as ReferralRow[];
    const done: FollowUp = { count: 0 };
    if (prepared.length === 0) return done;
    const now = runtime.nowIso();
    const ledger = this.ledgerOf(await runtime.repository.readStream<PersonEvent>(`person-${personId}`));
    for (const referral of prepared) {
      const consentId = this.coveringConsent(referral.to_agency, ledger, now);
      if (!consentId || !this.granted(referral.to_agency, ledger, now)) continue;
      tally(done, await this.run(referral, { type: 'ReleaseReferral' }, 'consent-release', now, consentId));
    }
    return done;
  }

  /**
   * Withdraws the person's open referrals, raised before the consent event at `position`, whose
   * receiving agency a consent covered just before it and none covers now.
   */
  async withdrawUncovered(personId: string, position: number): Promise<FollowUp> {
    const { runtime } = this;
    const open = runtime.db
      .prepare("SELECT referral_id, person_id, from_agency, to_agency, raised_at FROM rm_referrals WHERE person_id = ? AND status IN ('raised', 'acknowledged', 'accepted')")
      .all(personId) as ReferralRow[];
    const done: FollowUp = { count: 0 };
    if (open.length === 0) return done;
    const events = await runtime.repository.readStream<PersonEvent>(`person-${personId}`);
    const ending = events.find((e) => e.position === position);
    if (!ending) return done;
    const now = runtime.nowIso();
    const expired = ending.type === 'ConsentExpired.v1';
    // Cover just before the ending: an expired consent covered until its `validUntil`, exclusive.
    const endedAt = expired ? (ending.data as { expiredAt: string }).expiredAt : ending.metadata.occurredAt;
    const justBefore = new Date(Date.parse(endedAt) - 1).toISOString();
    const before = this.ledgerOf(events.filter((e) => e.position < position));
    const current = this.ledgerOf(events);
    const reason = expired ? 'consent expired' : 'consent withdrawn';
    for (const referral of open) {
      if (!referral.raised_at || Date.parse(referral.raised_at) > Date.parse(endedAt)) continue;
      if (!this.coveringConsent(referral.to_agency, before, justBefore) || this.coveringConsent(referral.to_agency, current, now)) continue;
      const withdraw: ReferralCommand = { type: 'Withdraw', byAgency: referral.from_agency, reason };
      tally(done, await this.run(referral, withdraw, 'consent-watch', now, ending.id));
    }
    return done;
  }

  /**
   * Whether the agency may receive a referral about the person now: the sharing decision gives it
   * a ground for the category `referral` for the purpose `referral` (an agreement grant, with the
   * person's consent where the grant needs it). A referral it may not receive is not raised.
   */
  async mayReceive(personId: string, agencyId: string): Promise<boolean> {
    const ledger = this.ledgerOf(await this.runtime.repository.readStream<PersonEvent>(`person-${personId}`));
    return this.granted(agencyId, ledger, this.runtime.nowIso());
  }

  /**
   * Withdraws every open referral of a person about to be erased, with the reason `person erased`,
   * before their key is destroyed: no agency goes on acknowledging, accepting or escalating a
   * referral about someone the hub no longer holds. A referral already started stays with the
   * service that started it.
   */
  async withdrawForErasure(personId: string): Promise<FollowUp> {
    const { runtime } = this;
    const open = runtime.db
      .prepare("SELECT referral_id, person_id, from_agency, to_agency, raised_at FROM rm_referrals WHERE person_id = ? AND status IN ('prepared', 'raised', 'acknowledged', 'accepted')")
      .all(personId) as ReferralRow[];
    const done: FollowUp = { count: 0 };
    const now = runtime.nowIso();
    for (const referral of open) {
      tally(done, await this.run(referral, { type: 'Withdraw', byAgency: referral.from_agency, reason: 'person erased' }, 'erasure', now));
    }
    return done;
  }

  /** The position of the event that ended the consent, found in the person's stream. */
  async endingOf(personId: string, consentId: string): Promise<number | undefined> {
    const events = await this.runtime.repository.readStream<PersonEvent>(`person-${personId}`);
    let ledger: ConsentLedger = new Map();
    for (const e of events) {
      const next = evolveConsents(ledger, e as unknown as PersonEvent);
      if (ledger.get(consentId)?.status === 'active' && next.get(consentId)?.status !== 'active') return e.position;
      ledger = next;
    }
    return undefined;
  }

  private ledgerOf(events: readonly OpenedEvent<PersonEvent>[]): ConsentLedger {
    return events.reduce((ledger, e) => evolveConsents(ledger, e as unknown as PersonEvent), new Map() as ConsentLedger);
  }

  /** The lowest-id active consent covering the agency for category and purpose `referral`. */
  private coveringConsent(agencyId: string, ledger: ConsentLedger, at: string): string | undefined {
    const agency = this.runtime.directory.agency(agencyId);
    if (!agency) return undefined;
    return [...ledger.values()]
      .filter((c) => consentCovers(c, { agencyId, kind: agency.kind }, 'referral', 'referral', at))
      .map((c) => c.consentId)
      .sort()[0];
  }

  /** Whether the sharing decision lets the agency receive the `referral` category for the purpose `referral`. */
  private granted(agencyId: string, consents: ConsentLedger, at: string): boolean {
    const agency = this.runtime.directory.agency(agencyId);
    if (!agency) return false;
    const agreements = this.runtime.directory.agreementVersions();
    const ground = groundFor({ agency: { agencyId, kind: agency.kind }, agreements, consents, at, purpose: 'referral' }, 'referral');
    return !('reason' in ground);
  }

  private async run(referral: ReferralRow, command: ReferralCommand, actor: string, now: string, correlationId?: string): Promise<number | undefined> {
    const { runtime } = this;
    const metadata: EventMetadata = {
      recordedBy: 'hub',
      actor,
      purpose: 'referral',
      occurredAt: now,
      personId: referral.person_id,
      addressedTo: [referral.from_agency, referral.to_agency],
      ...(correlationId ? { correlationId } : {}),
    };
    const context = { now, knownAgencies: runtime.directory.agencyIds(), calendar: runtime.calendar, agencyServices: agencyServices(runtime) };
    try {
      const appended = await runtime.repository.execute(`referral-${referral.referral_id}`, referralDecider, command, context, metadata);
      return appended.position;
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }
}

/** Each registered agency's services, for the referral decider's context. */
export function agencyServices(runtime: HubRuntime) {
  return new Map(runtime.directory.allAgencies().map((a) => [a.agencyId, a.services ?? []]));
}

function tally(done: FollowUp, position: number | undefined): void {
  if (position === undefined) return;
  done.count += 1;
  done.last = max(done.last, position);
}

const max = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
