import { Decider } from '../decider';
import { DomainError, ValidationError } from '../hub-error';
import { AGENCY_KINDS } from '../vocabulary';
import { AgreementEvent, AgreementVersion } from './agreement.events';

export interface PublishAgreementVersion {
  type: 'PublishAgreementVersion';
  agreement: Omit<AgreementVersion, 'version'>;
}

export interface AgreementState {
  versions: AgreementVersion[];
}

export interface AgreementContext {
  /** Ids of the agencies registered now. */
  knownAgencies: ReadonlySet<string>;
  /** The kind of each registered agency, so that a party named by kind covers its agencies. */
  agencyKinds?: ReadonlyMap<string, string>;
}

const knownRecipient = (recipient: string, known: ReadonlySet<string>): boolean =>
  recipient.startsWith('kind:')
    ? (AGENCY_KINDS as readonly string[]).includes(recipient.slice('kind:'.length))
    : known.has(recipient);

/**
 * Whether a grant's recipient is a party to the agreement: an agency named as a party or of a kind
 * named as one; a kind named as a party, or of which a party agency is. (The sharing decision
 * gives an agency nothing under an agreement it is not a party to.)
 */
function isParty(recipient: string, parties: readonly string[], kinds: ReadonlyMap<string, string> | undefined): boolean {
  if (parties.includes(recipient)) return true;
  if (!recipient.startsWith('kind:')) return kinds?.has(recipient) === true && parties.includes(`kind:${kinds.get(recipient)}`);
  return parties.some((party) => kinds?.get(party) === recipient.slice('kind:'.length));
}

/**
 * `PUT /v1/agreements/{id}` publishes the next version. Every party and grant recipient must be
 * a registered agency (or a known kind), every recipient a party to the agreement (an agreement
 * cannot give data to an agency that has not signed it); the review date must follow the
 * effective date.
 */
export const agreementDecider: Decider<PublishAgreementVersion, AgreementEvent, AgreementState, AgreementContext> = {
  initialState: () => ({ versions: [] }),
  evolve: (state, event) => ({ versions: [...state.versions, event.data] }),
  decide(command, state, context) {
    const a = command.agreement;
    const bad: Record<string, string> = {};
    a.parties.forEach((p, i) => {
      if (!knownRecipient(p, context.knownAgencies)) bad[`parties[${i}]`] = `unknown agency ${p}`;
    });
    a.grants.forEach((g, i) => {
      if (!knownRecipient(g.recipient, context.knownAgencies)) bad[`grants[${i}].recipient`] = `unknown agency ${g.recipient}`;
      else if (!isParty(g.recipient, a.parties, context.agencyKinds)) bad[`grants[${i}].recipient`] = `${g.recipient} is not a party to the agreement`;
    });
    if (Object.keys(bad).length > 0) throw new ValidationError(bad);
    if (Date.parse(a.reviewDate) <= Date.parse(a.effectiveFrom)) {
      throw new ValidationError({ reviewDate: 'must be after effectiveFrom' });
    }
    const latest = state.versions.at(-1);
    if (latest && Date.parse(a.effectiveFrom) < Date.parse(latest.effectiveFrom)) {
      throw new DomainError('agreement.effective-before-previous', 'a new version cannot take effect before the previous one', {
        previousEffectiveFrom: latest.effectiveFrom,
      });
    }
    return [{ type: 'AgreementVersionPublished.v1', data: { ...a, version: (latest?.version ?? 0) + 1 } }];
  },
};
