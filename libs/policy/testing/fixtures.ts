import {
  AgreementVersion,
  Category,
  ConsentGivenV1,
  ConsentLedger,
  ConsentScope,
  Grant,
  LawfulBasis,
  NeedsAssessedV1,
  PersonEvent,
  PersonRegisteredV1,
  Purpose,
  ReferralRaisedV1,
  SubjectEvent,
} from '@onestop/domain';
import type { AgencyFacts, DecidableEvent, DecisionInput } from '../src/policy.types';
import { foldConsents } from './arbitraries';

/** A small named partnership for example-based specs of the sharing decision. */
export const housing: AgencyFacts = { agencyId: 'housing', kind: 'housing' };
export const police: AgencyFacts = { agencyId: 'police', kind: 'police' };
export const sms: AgencyFacts = { agencyId: 'sms', kind: 'substance-misuse' };
export const shelter: AgencyFacts = { agencyId: 'shelter', kind: 'charity' };

export const PERSON_ID = '3d5e7a51-6c1f-4a52-9a51-8f0b1e0c2d44';

export function grant(
  recipient: string,
  categories: Category[],
  purposes: Purpose[],
  basis: LawfulBasis = 'public-task',
  consentRequired = false,
): Grant {
  return { recipient, categories, purposes, basis, consentRequired, retentionDays: 365 };
}

export function agreementVersion(
  agreementId: string,
  grants: Grant[],
  dates: { version?: number; effectiveFrom?: string; reviewDate?: string } = {},
): AgreementVersion {
  return {
    agreementId,
    version: dates.version ?? 1,
    title: `${agreementId} information sharing protocol`,
    parties: [...new Set(grants.map((g) => g.recipient))],
    grants,
    effectiveFrom: dates.effectiveFrom ?? '2025-01-01T00:00:00.000Z',
    reviewDate: dates.reviewDate ?? '2025-12-31',
  };
}

export function consentGiven(consentId: string, scope: ConsentScope, validity: { validFrom?: string; validUntil?: string } = {}): ConsentGivenV1 {
  return {
    type: 'ConsentGiven.v1',
    data: {
      personId: PERSON_ID,
      consentId,
      ...scope,
      method: 'written',
      evidenceRef: 'form-ISP-1/2025-0042',
      validFrom: validity.validFrom ?? '2025-02-01T00:00:00.000Z',
      validUntil: validity.validUntil,
    },
  };
}

export const consentsFrom = (...events: PersonEvent[]): ConsentLedger => foldConsents(events);

/** A stored subject event as the decision sees it, recorded by `recordedBy` (the council by default). */
export function stored(
  event: SubjectEvent,
  metadata: { recordedBy?: string; addressedTo?: string[]; occurredAt?: string } = {},
): DecidableEvent {
  return {
    id: 'a7c1f0de-0f4e-4f7e-9a7e-2b8f1c3d4e5f',
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      recordedBy: metadata.recordedBy ?? 'council',
      actor: 'caseworker-7',
      purpose: 'direct-support',
      occurredAt: metadata.occurredAt ?? '2025-03-10T10:00:00.000Z',
      personId: PERSON_ID,
      ...(metadata.addressedTo ? { addressedTo: metadata.addressedTo } : {}),
    },
  };
}

export const personRegistered: PersonRegisteredV1 = {
  type: 'PersonRegistered.v1',
  data: {
    personId: PERSON_ID,
    name: 'Rhys Evans',
    dateOfBirth: '1979-02-11',
    identifiers: { nhsNumber: '485 777 3456' },
    contact: { phone: '07700 900123' },
  },
};

export const needsAssessed: NeedsAssessedV1 = {
  type: 'NeedsAssessed.v1',
  data: {
    personId: PERSON_ID,
    assessmentId: '9b2d4c1e-3f5a-4e6b-8c7d-0a1b2c3d4e5f',
    needs: {
      accommodation: { level: 'high', summary: 'sleeping rough in the town centre' },
      'substance-use': { level: 'crisis', summary: 'daily heroin use, asking about detox' },
      'mental-health': { level: 'medium', summary: 'low mood, not sleeping' },
    },
  },
};

export const referralRaised: ReferralRaisedV1 = {
  type: 'ReferralRaised.v1',
  data: {
    referralId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    personId: PERSON_ID,
    fromAgency: 'housing',
    toAgency: 'sms',
    service: 'detox',
    urgency: 'immediate',
    reason: 'wants detox now',
    raisedAt: '2025-03-10T10:00:00.000Z',
    acknowledgeBy: '2025-03-10T10:15:00.000Z',
  },
};

/** A decision input at 10:00 on 10 March 2025 for direct support, with no agreements or consents. */
export function decisionInput(overrides: Partial<DecisionInput> & Pick<DecisionInput, 'event' | 'agency'>): DecisionInput {
  return { agreements: [], consents: new Map(), at: '2025-03-10T10:00:00.000Z', purpose: 'direct-support', ...overrides };
}
