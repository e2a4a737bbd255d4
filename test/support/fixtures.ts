import { randomUUID } from 'node:crypto';
import { ApiResponse, Issuer, TestHub } from './hub-harness';

/** A review date comfortably in the future, so agreements stay in force during a run. */
export const REVIEW_DATE = '2099-12-31';

/** The need categories an assessment or check-in may describe. */
export const NEED_CATEGORIES = ['accommodation', 'substance-use', 'mental-health', 'physical-health', 'finances', 'offending', 'safeguarding'] as const;

let people = 0;

/** A person to register; each call gives a different name so searches find only this one. */
export function personBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  people += 1;
  return { name: `Alex Jones ${people}-${randomUUID().slice(0, 8)}`, dateOfBirth: '1988-03-14', ...overrides };
}

/**
 * The standard agreement of these tests: housing may see identity and accommodation under public
 * task; the substance-misuse service may see identity, substance use and referrals with consent.
 * The police have no grant at all.
 */
export function agreementBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Town-centre one-stop shop ISP',
    parties: ['housing', 'sms', 'police'],
    grants: [
      { recipient: 'housing', categories: ['identity', 'accommodation'], purposes: ['direct-support'], basis: 'public-task' },
      { recipient: 'sms', categories: ['identity', 'substance-use', 'referral'], purposes: ['direct-support', 'referral'], basis: 'consent', consentRequired: true },
    ],
    reviewDate: REVIEW_DATE,
    ...overrides,
  };
}

/** Consent for the substance-misuse service to receive identity and substance use for direct support. */
export function consentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recipients: { agencies: ['sms'], kinds: [] },
    categories: ['identity', 'substance-use'],
    purposes: ['direct-support', 'referral'],
    method: 'written',
    evidenceRef: 'form-2291',
    ...overrides,
  };
}

/** One need entry per category, all at `level`. */
export function needsOfEveryCategory(level = 'medium'): Record<string, { level: string; summary: string }> {
  return Object.fromEntries(NEED_CATEGORIES.map((c) => [c, { level, summary: `${c} needs attention` }]));
}

/** The agencies of a small partnership and a caseworker token for each. */
export interface Partnership {
  sms: Issuer;
  housing: Issuer;
  police: Issuer;
  tokens: { sms: string; housing: string; police: string };
}

/** Registers sms, housing and police and publishes the standard agreement. */
export async function startPartnership(hub: TestHub): Promise<Partnership> {
  const sms = await hub.registerAgency('sms', 'substance-misuse', { services: [{ id: 'detox', name: 'Community detox' }] });
  const housing = await hub.registerAgency('housing', 'housing');
  const police = await hub.registerAgency('police', 'police');
  const published = await hub.publishAgreement('one-stop-shop', agreementBody());
  if (published.status !== 201) throw new Error(`publishing the agreement failed: ${published.status} ${JSON.stringify(published.body)}`);
  const [a, b, c] = await Promise.all([sms.token(['caseworker']), housing.token(['caseworker']), police.token(['caseworker'])]);
  return { sms, housing, police, tokens: { sms: a, housing: b, police: c } };
}

/** Registers a person as `token`'s agency and returns the hub id. */
export async function registerPerson(hub: TestHub, token: string, body = personBody()): Promise<string> {
  const res = await hub.request('POST', '/v1/people', token, body);
  if (res.status !== 201) throw new Error(`registering a person failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.personId as string;
}

/** How many events the store holds. */
export async function storedEvents(hub: TestHub): Promise<number> {
  return (await hub.runtime.store.readAll()).length;
}

/** Makes a call that must fail and checks that the store gained no events from it. */
export async function withoutWriting(hub: TestHub, call: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const before = await storedEvents(hub);
  const res = await call();
  expect(await storedEvents(hub)).toBe(before);
  return res;
}

/** The field names a 400 response blames. */
export const blamedFields = (res: ApiResponse): string[] => Object.keys(res.body?.error?.fields ?? {});
