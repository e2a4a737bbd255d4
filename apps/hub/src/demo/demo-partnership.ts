import { AgencyKind, AgencyService, Grant } from '@onestop/domain';

/** A partnership modelled on a town-centre one-stop shop: who is in it and what they offer. */
export const DEMO_AGENCIES: Array<{ agencyId: string; name: string; kind: AgencyKind; services: AgencyService[] }> = [
  { agencyId: 'housing', name: 'Council Housing Options', kind: 'housing', services: [{ id: 'emergency-accommodation', name: 'Emergency accommodation' }, { id: 'housing-first', name: 'Housing First' }] },
  { agencyId: 'police', name: 'Police – Neighbourhood Team', kind: 'police', services: [] },
  { agencyId: 'health-board', name: 'Health Board – Primary Care', kind: 'health', services: [{ id: 'gp-registration', name: 'GP registration' }] },
  { agencyId: 'sms', name: 'Substance Misuse Service', kind: 'substance-misuse', services: [{ id: 'detox', name: 'Community detox' }, { id: 'rehab', name: 'Residential rehab' }] },
  { agencyId: 'cmht', name: 'Community Mental Health Team', kind: 'mental-health', services: [{ id: 'crisis-mental-health', name: 'Crisis mental health' }] },
  { agencyId: 'benefits', name: 'Benefits Advice Service', kind: 'benefits', services: [{ id: 'benefit-claim', name: 'Benefit claim support' }] },
  { agencyId: 'shelter', name: 'Homelessness Charity', kind: 'charity', services: [{ id: 'outreach', name: 'Street outreach' }] },
  { agencyId: 'probation', name: 'Probation Service', kind: 'probation', services: [] },
];

const care = ['direct-support', 'referral'] as const;

/** The demo information-sharing agreement: consent for support, public task for public protection. */
export const DEMO_GRANTS: Grant[] = [
  { recipient: 'sms', categories: ['identity', 'contact', 'substance-use', 'physical-health', 'support-plan', 'referral'], purposes: [...care], basis: 'consent', consentRequired: true, retentionDays: 730 },
  { recipient: 'housing', categories: ['identity', 'contact', 'accommodation', 'support-plan', 'referral'], purposes: [...care], basis: 'consent', consentRequired: true, retentionDays: 730 },
  { recipient: 'health-board', categories: ['identity', 'physical-health', 'mental-health', 'substance-use', 'referral'], purposes: [...care], basis: 'consent', consentRequired: true, retentionDays: 3650 },
  { recipient: 'cmht', categories: ['identity', 'mental-health', 'substance-use', 'referral'], purposes: [...care], basis: 'consent', consentRequired: true, retentionDays: 3650 },
  { recipient: 'police', categories: ['safeguarding', 'offending'], purposes: ['safeguarding', 'crime-prevention'], basis: 'public-task', consentRequired: false, retentionDays: 365 },
  { recipient: 'probation', categories: ['offending', 'accommodation'], purposes: ['direct-support'], basis: 'public-task', consentRequired: true, retentionDays: 365 },
  { recipient: 'shelter', categories: ['accommodation', 'support-plan', 'referral'], purposes: [...care], basis: 'consent', consentRequired: true, retentionDays: 365 },
  { recipient: 'kind:benefits', categories: ['identity', 'finances'], purposes: ['direct-support'], basis: 'consent', consentRequired: true, retentionDays: 365 },
];
