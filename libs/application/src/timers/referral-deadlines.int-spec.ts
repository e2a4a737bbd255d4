import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agencyDecider,
  agreementDecider,
  EventMetadata,
  PersonCommand,
  personDecider,
  ReferralCommand,
  referralDecider,
  ReferralEscalatedV1,
  Urgency,
} from '@onestop/domain';
import { HubRuntime } from '../runtime/hub-runtime';
import { ConsentExpiryWatcher } from './consent-expiry';
import { ReferralDeadlineTimer } from './referral-deadlines';

/** Monday 4 March 2030, 09:00 UTC; Wednesday 6 March is a bank holiday in this test's calendar. */
const MONDAY_9AM = Date.parse('2030-03-04T09:00:00.000Z');
const BANK_HOLIDAY = '2030-03-06';
const minutes = (n: number) => n * 60_000;

/** A hub's data directory opened and reopened as a process would be, with a clock the test moves. */
class Hub {
  now = MONDAY_9AM;
  readonly dir = mkdtempSync(join(tmpdir(), 'onestop-referral-timer-'));

  open(): Promise<HubRuntime> {
    return HubRuntime.open({ dataDir: this.dir, store: 'sqlite', now: () => new Date(this.now), bankHolidays: [BANK_HOLIDAY] });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const meta = (runtime: HubRuntime, recordedBy: string, extra: Partial<EventMetadata> = {}): EventMetadata => ({
  recordedBy,
  actor: 'int-spec',
  purpose: 'referral',
  occurredAt: runtime.nowIso(),
  ...extra,
});

async function partnership(runtime: HubRuntime): Promise<void> {
  for (const [agencyId, kind] of [['outreach', 'charity'], ['sms', 'substance-misuse']] as const) {
    const profile = { agencyId, name: agencyId, kind, issuer: `https://idp.${agencyId}.test`, jwks: { keys: [] }, delivery: { feed: true, kafka: false }, services: [] };
    await runtime.repository.execute(`agency-${agencyId}`, agencyDecider, { type: 'RegisterAgency', profile }, undefined, meta(runtime, 'partnership'));
  }
  await runtime.directory.catchUp();
  const agreement = {
    agreementId: 'rapid-referral',
    title: 'Rapid referral',
    parties: ['outreach', 'sms'],
    grants: [{ recipient: 'sms', categories: ['identity', 'referral'], purposes: ['referral'], basis: 'consent', consentRequired: true, retentionDays: 365 }],
    effectiveFrom: runtime.nowIso(),
    reviewDate: '2099-12-31',
  };
  await runtime.repository.execute('agreement-rapid-referral', agreementDecider, { type: 'PublishAgreementVersion', agreement } as never, { knownAgencies: runtime.directory.agencyIds() }, meta(runtime, 'partnership'));
  await runtime.directory.catchUp();
}

async function person(runtime: HubRuntime, ...commands: PersonCommand[]): Promise<string> {
  const personId = randomUUID();
  const all: PersonCommand[] = [{ type: 'RegisterPerson', personId, name: 'Rhys Evans', dateOfBirth: '1979-02-11', identifiers: {}, contact: {} }, ...commands];
  for (const c of all) {
    await runtime.repository.execute(`person-${personId}`, personDecider, c, { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds() }, meta(runtime, 'outreach', { personId, purpose: 'direct-support' }));
  }
  return personId;
}

async function referral(runtime: HubRuntime, personId: string, urgency: Urgency, type: 'RaiseReferral' | 'PrepareReferral' = 'RaiseReferral'): Promise<string> {
  const referralId = randomUUID();
  const command: ReferralCommand = { type, referralId, personId, fromAgency: 'outreach', toAgency: 'sms', service: 'detox', urgency, reason: 'asked for help today' };
  await reply(runtime, referralId, personId, command);
  return referralId;
}

async function reply(runtime: HubRuntime, referralId: string, personId: string, command: ReferralCommand): Promise<void> {
  const context = { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds(), calendar: runtime.calendar };
  await runtime.repository.execute(`referral-${referralId}`, referralDecider, command, context, meta(runtime, 'outreach', { personId, addressedTo: ['outreach', 'sms'] }));
  await runtime.projector.catchUp();
}

const consent = (consentId = randomUUID()): PersonCommand => ({
  type: 'GiveConsent',
  consentId,
  recipients: { agencies: ['sms'], kinds: [] },
  categories: ['identity', 'referral'],
  purposes: ['referral'],
  method: 'verbal',
  validFrom: new Date(MONDAY_9AM - minutes(60)).toISOString(),
});

/** Every escalation stored, as `<referralId> <missed> level <n>`, sorted. */
async function escalations(runtime: HubRuntime): Promise<string[]> {
  const all = await runtime.store.readAll();
  return all
    .filter((e) => e.type === 'ReferralEscalated.v1')
    .map((e) => runtime.repository.open(e).data as ReferralEscalatedV1['data'])
    .map((d) => `${d.referralId} ${d.missed} level ${d.level}`)
    .sort();
}

describe('referral deadline timer (SQLite file, restarts)', () => {
  let hub: Hub;
  beforeEach(() => (hub = new Hub()));
  afterEach(() => hub.remove());

  it('after each restart, escalates every deadline that passed while it was down, each exactly once', async () => {
    let runtime = await hub.open();
    await partnership(runtime);
    const personId = await person(runtime);
    const immediate = await referral(runtime, personId, 'immediate');
    const sameDay = await referral(runtime, personId, 'same-day');
    const routine = await referral(runtime, personId, 'routine');
    hub.now = MONDAY_9AM + minutes(10);
    expect(await new ReferralDeadlineTimer(runtime).runOnce()).toMatchObject({ escalated: 0 });
    await runtime.close();

    hub.now = MONDAY_9AM + minutes(90); // down over the immediate referral's 09:15 and 10:00 deadlines
    runtime = await hub.open();
    expect(await new ReferralDeadlineTimer(runtime).runOnce()).toMatchObject({ escalated: 2 });
    expect(await new ReferralDeadlineTimer(runtime).runOnce()).toMatchObject({ escalated: 0 });
    hub.now = MONDAY_9AM + minutes(120);
    await reply(runtime, sameDay, personId, { type: 'Acknowledge', byAgency: 'sms' });
    await runtime.close();

    // Down until Thursday: the same-day decision (Monday 17:00) and the routine acknowledgement
    // (2 working days, skipping the Wednesday bank holiday: Thursday 09:00) have passed.
    hub.now = Date.parse('2030-03-07T09:30:00.000Z');
    runtime = await hub.open();
    const timer = new ReferralDeadlineTimer(runtime);
    expect(await timer.runOnce()).toMatchObject({ escalated: 2 });
    expect(await timer.runOnce()).toMatchObject({ escalated: 0 });
    expect(await escalations(runtime)).toEqual(
      [
        `${immediate} acknowledge level 1`,
        `${immediate} decide level 2`,
        `${sameDay} decide level 1`,
        `${routine} acknowledge level 1`,
      ].sort(),
    );
    // What stays pending: the routine decision (5 working days: Tuesday 12 March) and each start
    // (20 working days, one of them lost to the bank holiday: Tuesday 2 April).
    const due = (id: string) => runtime.db.prepare('SELECT next_due FROM rm_referrals WHERE referral_id = ?').pluck().get(id);
    expect([due(immediate), due(sameDay), due(routine)]).toEqual(['2030-04-02T09:00:00.000Z', '2030-04-02T09:00:00.000Z', '2030-03-12T09:00:00.000Z']);
    await runtime.close();
  });

  it('with two processes on one file running at once, still escalates each deadline once', async () => {
    const first = await hub.open();
    await partnership(first);
    const personId = await person(first);
    const ids = [];
    for (let i = 0; i < 20; i += 1) ids.push(await referral(first, personId, i % 2 ? 'immediate' : 'same-day'));
    hub.now = MONDAY_9AM + minutes(24 * 60);
    const second = await hub.open();
    const runs = await Promise.all([new ReferralDeadlineTimer(first, { batchSize: 7 }).runOnce(), new ReferralDeadlineTimer(second, { batchSize: 7 }).runOnce()]);
    expect(runs[0].escalated + runs[1].escalated).toBe(40);
    const stored = await escalations(first);
    expect(stored).toHaveLength(40);
    expect(new Set(stored).size).toBe(40);
    await Promise.all([first.close(), second.close()]);
  });

  it('raises a prepared referral whose consent was recorded just before a crash, and withdraws it once that consent is withdrawn', async () => {
    let runtime = await hub.open();
    await partnership(runtime);
    const consentId = randomUUID();
    const personId = await person(runtime);
    const prepared = await referral(runtime, personId, 'immediate', 'PrepareReferral');
    hub.now = MONDAY_9AM + minutes(5);
    // The consent is stored, and the process dies before the referral is released.
    await runtime.repository.execute(`person-${personId}`, personDecider, consent(consentId), { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds() }, meta(runtime, 'outreach', { personId }));
    await runtime.close();

    hub.now = MONDAY_9AM + minutes(6);
    runtime = await hub.open();
    const timer = new ReferralDeadlineTimer(runtime);
    expect(await timer.runOnce()).toEqual({ released: 1, withdrawn: 0, escalated: 0 });
    const row = () => runtime.db.prepare('SELECT status, raised_at, acknowledge_by FROM rm_referrals WHERE referral_id = ?').get(prepared);
    expect(row()).toEqual({ status: 'raised', raised_at: '2030-03-04T09:06:00.000Z', acknowledge_by: '2030-03-04T09:21:00.000Z' });
    expect(await timer.runOnce()).toEqual({ released: 0, withdrawn: 0, escalated: 0 });

    await runtime.repository.execute(`person-${personId}`, personDecider, { type: 'WithdrawConsent', consentId }, { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds() }, meta(runtime, 'outreach', { personId }));
    await runtime.close();
    hub.now = MONDAY_9AM + minutes(30);
    runtime = await hub.open();
    expect(await new ReferralDeadlineTimer(runtime).runOnce()).toEqual({ released: 0, withdrawn: 1, escalated: 0 });
    expect(row()).toMatchObject({ status: 'withdrawn' });
    expect(await new ReferralDeadlineTimer(runtime).runOnce()).toEqual({ released: 0, withdrawn: 0, escalated: 0 });
    await runtime.close();
  });

  it('withdraws a referral once the consent it was released on expires', async () => {
    const runtime = await hub.open();
    await partnership(runtime);
    const personId = await person(runtime, { ...consent(), validUntil: '2030-03-04T12:00:00.000Z' } as PersonCommand);
    const referralId = await referral(runtime, personId, 'routine', 'PrepareReferral');
    const timer = new ReferralDeadlineTimer(runtime);
    expect(await timer.runOnce()).toMatchObject({ released: 1 });
    hub.now = Date.parse('2030-03-04T12:00:01.000Z');
    expect(await new ConsentExpiryWatcher(runtime).runOnce()).toBe(1);
    expect(await timer.runOnce()).toMatchObject({ withdrawn: 1 });
    const [withdrawn] = (await runtime.repository.readStream(`referral-${referralId}`)).filter((e) => e.type === 'ReferralWithdrawn.v1');
    expect(withdrawn.data).toMatchObject({ reason: 'consent expired' });
    expect(withdrawn.metadata).toMatchObject({ recordedBy: 'hub', addressedTo: ['outreach', 'sms'] });
    await runtime.close();
  });
});
