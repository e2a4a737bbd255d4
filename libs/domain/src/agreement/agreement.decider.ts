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
}

const knownRecipient = (recipient: string, known: ReadonlySet<string>): boolean =>
  recipient.startsWith('kind:')
    ? (AGENCY_KINDS as readonly string[]).includes(recipient.slice('kind:'.length))
    : known.has(recipient);

/**
 * `PUT /v1/agreements/{id}` publishes the next version. Every party and grant recipient must be
 * a registered agency (or a known kind); the review date must follow the effective date.
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
