import { randomUUID } from 'node:crypto';
import { HubRuntime } from '@onestop/application';
import { DevKey, devIssuer } from '@onestop/auth';
import {
  agencyDecider,
  agreementDecider,
  Decider,
  EventMetadata,
  HubEvent,
  PersonCommand,
  personDecider,
  ReferralCommand,
  referralDecider,
} from '@onestop/domain';
import { DEMO_AGENCIES, DEMO_GRANTS } from './demo-partnership';

const meta = (runtime: HubRuntime, recordedBy: string, extra: Partial<EventMetadata> = {}): EventMetadata => ({
  recordedBy,
  actor: 'demo-seed',
  purpose: 'direct-support',
  occurredAt: runtime.nowIso(),
  ...extra,
});

async function run<C, E extends HubEvent, S, X>(runtime: HubRuntime, stream: string, decider: Decider<C, E, S, X>, command: C, context: X, metadata: EventMetadata) {
  return runtime.repository.execute(stream, decider, command, context, metadata);
}

/**
 * Seeds an empty store with the demo partnership: eight agencies with dev keys, one agreement,
 * and three people with consents, assessments, a check-in and a referral. Returns false when
 * the store already held events (it is seeded once).
 */
export async function seedDemo(runtime: HubRuntime, keys: Map<string, DevKey>): Promise<boolean> {
  const any = await runtime.store.readAll({ maxCount: 1 });
  if (any.length > 0) return false;
  for (const a of DEMO_AGENCIES) {
    const key = keys.get(a.agencyId);
    if (!key) throw new Error(`no dev key for ${a.agencyId}`);
    const profile = { ...a, issuer: devIssuer(a.agencyId), jwks: key.publicJwks as never, delivery: { feed: true, kafka: false } };
    await run(runtime, `agency-${a.agencyId}`, agencyDecider, { type: 'RegisterAgency', profile }, undefined, meta(runtime, 'partnership', { purpose: 'service-planning' }));
  }
  await runtime.directory.catchUp();
  const known = { knownAgencies: runtime.directory.agencyIds(), agencyKinds: runtime.directory.agencyKinds() };
  const reviewDate = new Date(Date.parse(runtime.nowIso()) + 365 * 86_400_000).toISOString().slice(0, 10);
  const agreement = { agreementId: 'town-centre-isp', title: 'Town-centre one-stop shop information sharing protocol', parties: DEMO_AGENCIES.map((a) => a.agencyId), grants: DEMO_GRANTS, effectiveFrom: runtime.nowIso(), reviewDate };
  await run(runtime, 'agreement-town-centre-isp', agreementDecider, { type: 'PublishAgreementVersion', agreement }, known, meta(runtime, 'partnership', { purpose: 'service-planning' }));
  await runtime.directory.catchUp();

  const people = [
    { name: 'Alex Morgan', dateOfBirth: '1991-03-14', nhsNumber: '9434765919' },
    { name: 'Sam Price', dateOfBirth: '1986-11-02', nhsNumber: '9434765870' },
    { name: 'Jordan Ellis', dateOfBirth: '1999-07-21', nhsNumber: '9434765828' },
  ];
  const ids: string[] = [];
  for (const p of people) {
    const personId = randomUUID();
    ids.push(personId);
    const m = meta(runtime, 'sms', { personId });
    const ctx = { now: runtime.nowIso(), ...known };
    const stream = `person-${personId}`;
    const commands: PersonCommand[] = [
      { type: 'RegisterPerson', personId, name: p.name, dateOfBirth: p.dateOfBirth, identifiers: { nhsNumber: p.nhsNumber }, contact: { address: 'No fixed abode – town centre' } },
      {
        type: 'GiveConsent',
        consentId: randomUUID(),
        recipients: { agencies: ['housing', 'health-board', 'shelter'], kinds: [] },
        categories: ['identity', 'contact', 'accommodation', 'substance-use', 'physical-health', 'support-plan', 'referral'],
        purposes: ['direct-support', 'referral'],
        method: 'verbal',
        evidenceRef: 'one-stop-shop session notes',
        validFrom: runtime.nowIso(),
      },
      {
        type: 'AssessNeeds',
        assessmentId: randomUUID(),
        needs: {
          accommodation: { level: 'high', summary: 'Sleeping rough near the bus station' },
          'substance-use': { level: 'crisis', summary: 'Daily synthetic cannabinoid use', details: 'Wants to talk about detox' },
          'mental-health': { level: 'medium', summary: 'Low mood, not known to services' },
          offending: { level: 'low', summary: 'Shoplifting caution last year' },
        },
      },
      { type: 'RecordCheckIn', checkInId: randomUUID(), changes: { accommodation: { level: 'high', summary: 'Still rough sleeping; engaged with outreach' } }, note: 'Attended the one-stop shop' },
    ];
    for (const c of commands) await run(runtime, stream, personDecider, c, ctx, m);
  }
  const referral: ReferralCommand = {
    type: 'RaiseReferral',
    referralId: randomUUID(),
    personId: ids[0],
    fromAgency: 'sms',
    toAgency: 'housing',
    service: 'emergency-accommodation',
    urgency: 'immediate',
    reason: 'Accepted help today; needs a bed tonight to start detox',
  };
  const rctx = { now: runtime.nowIso(), ...known, calendar: { bankHolidays: new Set<string>() } };
  await run(runtime, `referral-${referral.referralId}`, referralDecider, referral, rctx, meta(runtime, 'sms', { personId: ids[0], purpose: 'referral', addressedTo: ['sms', 'housing'] }));
  await runtime.projector.catchUp();
  return true;
}

/** The ids the demo's dev keys are made for: each agency and the partnership administrator. */
export const DEMO_KEY_IDS = [...DEMO_AGENCIES.map((a) => a.agencyId), 'partnership-admin'];
