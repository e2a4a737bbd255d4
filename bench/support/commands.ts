import type { RequestSpec } from './http-load';
import { RECEIVER } from './partnership';

/** The kinds of command in the benchmarks' mix, and the id each one's reply names. */
export type CommandKind = 'consent' | 'assessment' | 'check-in' | 'referral';
export const RESOURCE_ID: Record<CommandKind, string> = { consent: 'consentId', assessment: 'assessmentId', 'check-in': 'checkInId', referral: 'referralId' };

/** A caseworker's week: mostly check-ins, then assessments, referrals and new consents (of 20). */
const MIX: CommandKind[] = [
  ...Array<CommandKind>(9).fill('check-in'),
  ...Array<CommandKind>(5).fill('assessment'),
  ...Array<CommandKind>(4).fill('referral'),
  ...Array<CommandKind>(2).fill('consent'),
];

const LEVELS = ['low', 'medium', 'high', 'crisis'];

/** The `i`-th command of the mix for one of `people`, as the recording agency's caseworker sends it. */
export function commandFor(i: number, people: readonly string[], token: string): { kind: CommandKind; personId: string; spec: RequestSpec } {
  const kind = MIX[(i * 7) % MIX.length];
  const personId = people[(i * 7919) % people.length];
  const level = LEVELS[i % LEVELS.length];
  switch (kind) {
    case 'check-in':
      return {
        kind,
        personId,
        spec: { method: 'POST', path: `/v1/people/${personId}/check-ins`, token, body: { changes: { accommodation: { level, summary: 'Still rough sleeping; engaged with outreach' } }, note: 'Attended the one-stop shop' } },
      };
    case 'assessment':
      return {
        kind,
        personId,
        spec: {
          method: 'POST',
          path: `/v1/people/${personId}/assessments`,
          token,
          body: {
            needs: {
              accommodation: { level, summary: 'Sleeping rough near the bus station' },
              'substance-use': { level: 'crisis', summary: 'Daily synthetic cannabinoid use', details: 'Wants to talk about detox' },
              'mental-health': { level: 'medium', summary: 'Low mood, not known to services' },
            },
          },
        },
      };
    case 'referral':
      return {
        kind,
        personId,
        spec: { method: 'POST', path: '/v1/referrals', token, body: { personId, toAgency: RECEIVER, service: 'emergency-accommodation', urgency: 'same-day', reason: 'Accepted help today; needs a bed tonight to start detox' } },
      };
    case 'consent':
      return {
        kind,
        personId,
        spec: {
          method: 'POST',
          path: `/v1/people/${personId}/consents`,
          token,
          body: { recipients: { agencies: [RECEIVER, 'shelter'], kinds: [] }, categories: ['accommodation', 'support-plan', 'referral'], purposes: ['direct-support', 'referral'], method: 'verbal', evidenceRef: 'one-stop shop session notes' },
        },
      };
  }
}
