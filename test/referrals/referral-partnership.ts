import { randomUUID } from 'node:crypto';
import { Issuer, TestHub } from '../support/hub-harness';

/**
 * The rapid-referral partnership of these tests:
 * - `outreach` (a charity) registers people and refers them; no agreement grants it referrals,
 *   so it follows its referrals as a party to them;
 * - `sms`, the substance-misuse service, lists detox (acknowledge an immediate referral within
 *   10 minutes) and rehab; it may receive identity and referrals with the person's consent;
 * - `cmht` takes referrals to any service (it lists none), with consent, but never identity;
 * - `housing` has no part in any referral.
 */
export interface ReferralPartnership {
  issuers: Record<'outreach' | 'sms' | 'cmht' | 'housing', Issuer>;
  caseworker: Record<'outreach' | 'sms' | 'cmht' | 'housing', string>;
  system: Record<'outreach' | 'sms' | 'cmht' | 'housing', string>;
}

export const DETOX = { id: 'detox', name: 'Community detox', deadlines: { acknowledge: { immediate: { minutes: 10 } } } };

export async function startReferralPartnership(hub: TestHub): Promise<ReferralPartnership> {
  const issuers = {
    outreach: await hub.registerAgency('outreach', 'charity'),
    sms: await hub.registerAgency('sms', 'substance-misuse', { services: [DETOX, { id: 'rehab', name: 'Residential rehab' }] }),
    cmht: await hub.registerAgency('cmht', 'mental-health'),
    housing: await hub.registerAgency('housing', 'housing', { services: [{ id: 'housing-first', name: 'Housing First' }] }),
  };
  const agreement = await hub.publishAgreement('rapid-referral', {
    title: 'Rapid referral protocol',
    parties: ['outreach', 'sms', 'cmht', 'housing'],
    grants: [
      { recipient: 'sms', categories: ['identity', 'referral'], purposes: ['referral'], basis: 'consent', consentRequired: true },
      { recipient: 'cmht', categories: ['referral'], purposes: ['referral'], basis: 'consent', consentRequired: true },
    ],
    reviewDate: '2099-12-31',
  });
  if (agreement.status !== 201) throw new Error(`publishing the agreement failed: ${agreement.status} ${JSON.stringify(agreement.body)}`);
  const names = ['outreach', 'sms', 'cmht', 'housing'] as const;
  const caseworker = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await issuers[n].token(['caseworker'])]))) as ReferralPartnership['caseworker'];
  const system = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await issuers[n].token(['system'])]))) as ReferralPartnership['system'];
  return { issuers, caseworker, system };
}

/** Registers a person as outreach; returns the hub id. */
export async function registerPerson(hub: TestHub, p: ReferralPartnership): Promise<string> {
  const res = await hub.request('POST', '/v1/people', p.caseworker.outreach, { name: `Rhys Evans ${randomUUID().slice(0, 8)}`, dateOfBirth: '1979-02-11' });
  if (res.status !== 201) throw new Error(`registering failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.personId as string;
}

/** Consent to referrals (and identity) to the given agencies. */
export const referralConsent = (agencies: string[] = ['sms']) => ({
  recipients: { agencies, kinds: [] },
  categories: ['identity', 'referral'],
  purposes: ['referral'],
  method: 'verbal',
});

/** Outreach refers the person; returns the response body. */
export async function refer(hub: TestHub, p: ReferralPartnership, body: Record<string, unknown>): Promise<{ referralId: string; status: string }> {
  const res = await hub.request('POST', '/v1/referrals', p.caseworker.outreach, { toAgency: 'sms', service: 'detox', urgency: 'immediate', reason: 'Asked for detox today', ...body });
  if (res.status !== 201) throw new Error(`referring failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every message in the agency's feed. */
export async function feedOf(hub: TestHub, token: string): Promise<Array<Record<string, any>>> {
  const res = await hub.request('GET', '/v1/feed?limit=1000', token);
  if (res.status !== 200) throw new Error(`reading the feed failed: ${res.status}`);
  return res.body.messages;
}

/** The agency's duty board. */
export async function boardOf(hub: TestHub, token: string, query = ''): Promise<Array<Record<string, any>>> {
  const res = await hub.request('GET', `/v1/referrals${query}`, token);
  if (res.status !== 200) throw new Error(`reading the board failed: ${res.status}`);
  return res.body.referrals;
}

/** The messages about one referral, by CloudEvents type. */
export const aboutReferral = (messages: Array<Record<string, any>>, referralId: string) =>
  messages.filter((m) => m.data?.referralId === referralId).map((m) => m.type as string);
