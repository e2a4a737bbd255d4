import { cloudEventType } from '@onestop/domain';
import type { HubCloudEvent } from '@onestop/delivery';
import { ApiResponse, Issuer, TestHub } from '../support/hub-harness';

/**
 * A five-agency partnership built over HTTP, as the sharing tests meet it:
 * - `housing` receives identity, contact, accommodation and referrals under public task (no consent);
 * - `sms` (substance misuse) receives identity, substance use, support plan and referrals under consent;
 * - `police` receives offending and safeguarding under public task, but only with consent (`consentRequired`);
 * - every `kind:charity` agency (here `hope`) receives accommodation, finances and referrals under consent;
 * - `health` receives mental and physical health under consent from the `health-isp` agreement, and
 *   physical health alone under consent from `onestop` too (so it keeps that if `health-isp` drops it).
 */
export const AGENCIES = { health: 'health', hope: 'charity', housing: 'housing', police: 'police', sms: 'substance-misuse' } as const;
export type AgencyId = keyof typeof AGENCIES;
export const AGENCY_IDS = Object.keys(AGENCIES) as AgencyId[];

const REVIEW = '2027-06-30';
const CARE = ['direct-support', 'referral'];

export const ONESTOP_V1 = {
  title: 'Town-centre one-stop shop ISP',
  parties: ['housing', 'sms', 'police', 'health', 'kind:charity'],
  grants: [
    { recipient: 'housing', categories: ['identity', 'contact', 'accommodation', 'referral'], purposes: CARE, basis: 'public-task' },
    { recipient: 'sms', categories: ['identity', 'substance-use', 'support-plan', 'referral'], purposes: CARE, basis: 'consent' },
    { recipient: 'police', categories: ['offending', 'safeguarding'], purposes: ['direct-support', 'crime-prevention'], basis: 'public-task', consentRequired: true },
    { recipient: 'kind:charity', categories: ['accommodation', 'finances', 'referral'], purposes: CARE, basis: 'consent' },
    { recipient: 'health', categories: ['physical-health'], purposes: ['direct-support'], basis: 'consent' },
  ],
  reviewDate: REVIEW,
};

export const HEALTH_ISP_V1 = {
  title: 'Health board ISP',
  parties: ['health', 'sms'],
  grants: [{ recipient: 'health', categories: ['mental-health', 'physical-health'], purposes: ['direct-support'], basis: 'consent' }],
  reviewDate: REVIEW,
};

/** The next `health-isp` version: health keeps only safeguarding, under public task. */
export const HEALTH_ISP_V2 = {
  ...HEALTH_ISP_V1,
  grants: [{ recipient: 'health', categories: ['safeguarding'], purposes: ['direct-support'], basis: 'public-task' }],
};

/** A consent covering every grant above: the three agencies and every charity, all categories, both purposes. */
export const FULL_CONSENT = {
  recipients: { agencies: ['sms', 'police', 'health'], kinds: ['charity'] },
  categories: ['identity', 'contact', 'accommodation', 'substance-use', 'mental-health', 'physical-health', 'finances', 'offending', 'safeguarding', 'support-plan', 'referral'],
  purposes: CARE,
  method: 'written',
  evidenceRef: 'signed-form-17',
};

const entry = (summary: string) => ({ level: 'high', summary });
/** One need entry per category; tests pick the categories an assessment or check-in mentions. */
export const NEED = {
  accommodation: entry('Sleeping rough near the bus station'),
  'substance-use': entry('Daily heroin use, wants detox'),
  'mental-health': entry('Low mood, not sleeping'),
  'physical-health': entry('Leg ulcer needing dressing'),
  finances: entry('No income since benefits stopped'),
  offending: entry('Shoplifting to fund use'),
  safeguarding: entry('Exploited by a dealer'),
} as const;
export type NeedKey = keyof typeof NEED;
export const needs = (...keys: NeedKey[]) => Object.fromEntries(keys.map((k) => [k, NEED[k]]));

/** CloudEvents types, as agencies see them. */
export const TYPE = {
  registered: cloudEventType('PersonRegistered.v1'),
  consentGiven: cloudEventType('ConsentGiven.v1'),
  consentWithdrawn: cloudEventType('ConsentWithdrawn.v1'),
  assessed: cloudEventType('NeedsAssessed.v1'),
  checkIn: cloudEventType('CheckInRecorded.v1'),
  referralRaised: cloudEventType('ReferralRaised.v1'),
  referralAcknowledged: cloudEventType('ReferralAcknowledged.v1'),
  retraction: 'onestop.retraction.v1',
};

/**
 * The shape of a message's `data`: its keys, sorted, with the need-keyed fields (`needs`,
 * `changes`) spelt out per category (`needs.substance-use`) since each entry is its own category.
 */
export function shape(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .flatMap(([key, value]) => (key === 'needs' || key === 'changes' ? Object.keys(value as object).map((k) => `${key}.${k}`) : [key]))
    .sort();
}

/** The partnership on a running hub: each agency's token issuer and calls made as its caseworkers. */
export class Partnership {
  private constructor(
    readonly hub: TestHub,
    readonly issuers: Record<AgencyId, Issuer>,
  ) {}

  /** Registers the five agencies and publishes `onestop` v1 and `health-isp` v1. */
  static async build(hub: TestHub): Promise<Partnership> {
    const issuers = {} as Record<AgencyId, Issuer>;
    for (const id of AGENCY_IDS) {
      const services = id === 'sms' ? { services: [{ id: 'detox', name: 'Community detox' }] } : {};
      issuers[id] = await hub.registerAgency(id, AGENCIES[id], services);
    }
    const p = new Partnership(hub, issuers);
    await p.agreement('onestop', ONESTOP_V1);
    await p.agreement('health-isp', HEALTH_ISP_V1);
    return p;
  }

  async agreement(id: string, body: Record<string, unknown>): Promise<void> {
    const res = await this.hub.publishAgreement(id, body);
    if (res.status !== 201) throw new Error(`publishing ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  token(agency: AgencyId, roles: Parameters<Issuer['token']>[0] = ['caseworker'], claims: Record<string, unknown> = {}): Promise<string> {
    return this.issuers[agency].token(roles, claims);
  }

  /** A call as the agency's caseworker. */
  async as<T = any>(agency: AgencyId, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.hub.request<T>(method, path, await this.token(agency), body, headers);
  }

  /** A call that must succeed; returns the body. */
  async ok<T = any>(agency: AgencyId, method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.as<T>(agency, method, path, body);
    if (res.status >= 300) throw new Error(`${agency} ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async register(by: AgencyId, name = 'Alex Jones'): Promise<string> {
    const body = { name, dateOfBirth: '1990-04-12', identifiers: { nhsNumber: '9434765919' }, contact: { phone: '01978 123456' } };
    return (await this.ok<{ personId: string }>(by, 'POST', '/v1/people', body)).personId;
  }

  async consent(by: AgencyId, personId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    return (await this.ok<{ consentId: string }>(by, 'POST', `/v1/people/${personId}/consents`, { ...FULL_CONSENT, ...overrides })).consentId;
  }

  async withdraw(by: AgencyId, personId: string, consentId: string, scope?: Record<string, unknown>): Promise<void> {
    await this.ok(by, 'POST', `/v1/people/${personId}/consents/${consentId}/withdraw`, scope ? { scope } : {});
  }

  async assess(by: AgencyId, personId: string, ...keys: NeedKey[]): Promise<void> {
    await this.ok(by, 'POST', `/v1/people/${personId}/assessments`, { needs: needs(...keys) });
  }

  async checkIn(by: AgencyId, personId: string, note: string | undefined, ...keys: NeedKey[]): Promise<void> {
    await this.ok(by, 'POST', `/v1/people/${personId}/check-ins`, { changes: needs(...keys), ...(note ? { note } : {}) });
  }

  /** The ids of the events of a stream, in order (revision = index). */
  async eventIds(stream: string): Promise<string[]> {
    return (await this.hub.runtime.store.readStream(stream)).map((e) => e.id);
  }

  pseudonym(agency: AgencyId, personId: string): string {
    return this.hub.runtime.pseudonymizer.pseudonym(agency, personId);
  }

  /** The agency's whole feed over HTTP, page by page from the start. */
  async feed(agency: AgencyId, pageSize = 100): Promise<HubCloudEvent[]> {
    const token = await this.token(agency, ['system']);
    const all: HubCloudEvent[] = [];
    let after = '';
    for (;;) {
      const res = await this.hub.request(`GET`, `/v1/feed?limit=${pageSize}${after ? `&after=${after}` : ''}`, token);
      if (res.status !== 200) throw new Error(`feed of ${agency}: ${res.status} ${JSON.stringify(res.body)}`);
      all.push(...(res.body.messages as HubCloudEvent[]));
      if (res.body.messages.length < pageSize) return all;
      after = res.body.cursor;
    }
  }

  /** The agency's messages about one person (addressed by its pseudonym for them). */
  async feedAbout(agency: AgencyId, personId: string): Promise<HubCloudEvent[]> {
    const subject = this.pseudonym(agency, personId);
    return (await this.feed(agency)).filter((m) => m.subject === subject);
  }

  /** Message id → data shape, for the agency's messages about the person (retractions excluded). */
  async shapes(agency: AgencyId, personId: string): Promise<Record<string, string[]>> {
    const messages = (await this.feedAbout(agency, personId)).filter((m) => m.type !== TYPE.retraction);
    return Object.fromEntries(messages.map((m) => [m.id, shape(m.data)]));
  }

  async retractions(agency: AgencyId, personId: string): Promise<HubCloudEvent[]> {
    return (await this.feedAbout(agency, personId)).filter((m) => m.type === TYPE.retraction);
  }
}

/** Builds `{ [eventId]: shape }` from `[eventId, shape | null]` pairs, dropping the nulls (not delivered). */
export function expectedShapes(pairs: Array<[string, string[] | null]>): Record<string, string[]> {
  return Object.fromEntries(pairs.filter((p): p is [string, string[]] => p[1] !== null).map(([id, s]) => [id, [...s].sort()]));
}
