import { Pseudonymizer } from '@onestop/crypto';
import { DeadlineKind, pendingDeadlines, ragStatus, RagStatus, ReferralStatus, worstRag } from '@onestop/domain';

/** A row of `rm_referrals` as the duty board reads it. */
export interface ReferralRow {
  referral_id: string;
  person_id: string;
  from_agency: string;
  to_agency: string;
  service: string;
  urgency: string;
  status: ReferralStatus;
  created_at: string;
  raised_at: string | null;
  acknowledge_by: string | null;
  decide_by: string | null;
  start_by: string | null;
  escalated: string;
  escalations: number;
  revision: number;
}

/** One pending deadline on the board. */
export interface BoardDeadline {
  kind: DeadlineKind;
  deadline: string;
  /** Negative once passed. */
  secondsLeft: number;
  rag: RagStatus;
  escalated: boolean;
}

/**
 * One referral on the duty board. `personId` is given only on the referrer's own (outgoing)
 * referrals; the receiver identifies the person by its pseudonym, the `subject` of its feed
 * messages, and gets identity only where an agreement grants it, through the feed.
 */
export interface BoardEntry {
  referralId: string;
  personId?: string;
  pseudonym: string;
  direction: 'incoming' | 'outgoing';
  fromAgency: string;
  toAgency: string;
  service: string;
  urgency: string;
  status: ReferralStatus;
  raisedAt: string | null;
  acknowledgeBy: string | null;
  decideBy: string | null;
  startBy: string | null;
  /** Every pending deadline (acknowledge, decide, start), soonest first, each with its colour. */
  deadlines: BoardDeadline[];
  /** The soonest pending deadline, its time left and its colour (`none` when nothing is pending). */
  nextDeadline: string | null;
  secondsLeft: number | null;
  nextRag: RagStatus;
  /** The most urgent colour of all pending deadlines. */
  worstRag: RagStatus;
  /** The acknowledgement deadline's colour while the referral awaits acknowledgement, else `none`. */
  rag: RagStatus;
  escalations: number;
  revision: number;
}

/** Builds the board entry of one referral for agency `me` at `now`. */
export function boardEntry(row: ReferralRow, me: string, now: Date, pseudonyms: Pseudonymizer): BoardEntry {
  const nowIso = now.toISOString();
  const escalated = new Set(row.escalated.split(',').filter(Boolean));
  const recorded = { acknowledge: row.acknowledge_by, decide: row.decide_by, start: row.start_by };
  const set = Object.fromEntries(Object.entries(recorded).filter(([, v]) => v !== null)) as Partial<Record<DeadlineKind, string>>;
  const deadlines = pendingDeadlines(row.status, set).map(
    (d): BoardDeadline => ({
      kind: d.kind,
      deadline: d.deadline,
      secondsLeft: Math.round((Date.parse(d.deadline) - now.getTime()) / 1000),
      rag: ragStatus(row.raised_at ?? row.created_at, d.deadline, nowIso),
      escalated: escalated.has(d.kind),
    }),
  );
  const outgoing = row.from_agency === me;
  return {
    referralId: row.referral_id,
    ...(outgoing ? { personId: row.person_id } : {}),
    pseudonym: pseudonyms.pseudonym(me, row.person_id),
    direction: outgoing ? 'outgoing' : 'incoming',
    fromAgency: row.from_agency,
    toAgency: row.to_agency,
    service: row.service,
    urgency: row.urgency,
    status: row.status,
    raisedAt: row.raised_at,
    acknowledgeBy: row.acknowledge_by,
    decideBy: row.decide_by,
    startBy: row.start_by,
    deadlines,
    nextDeadline: deadlines[0]?.deadline ?? null,
    secondsLeft: deadlines[0]?.secondsLeft ?? null,
    nextRag: deadlines[0]?.rag ?? 'none',
    worstRag: worstRag(deadlines.map((d) => d.rag)),
    rag: deadlines.find((d) => d.kind === 'acknowledge')?.rag ?? 'none',
    escalations: row.escalations,
    revision: row.revision,
  };
}
