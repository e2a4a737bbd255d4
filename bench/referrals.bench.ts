import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsentReferrals, HubRuntime, percentile, ReferralDeadlineTimer } from '@onestop/application';
import { agencyDecider, agreementDecider, EventMetadata, PersonCommand, personDecider, ReferralCommand, referralDecider, Urgency } from '@onestop/domain';
import type { BenchResult } from './bench-result';

/** Monday 4 March 2030, 09:00 UTC: the bench's clock starts here. */
const T0 = Date.parse('2030-03-04T09:00:00.000Z');

export interface ReferralBenchOptions {
  quick: boolean;
  log?: (line: string) => void;
}

/**
 * Rapid referrals, in process on a real SQLite file (WAL, full fsync on commit):
 * 1. Consent to feed: a referral prepared for a person who has not consented; the consent is
 *    recorded, then the hub does what the consent request does (release the referral, wait for
 *    the in-process publisher) and the receiving agency reads its feed. The figure is the time
 *    from the consent's append returning to the raised referral being in the receiver's feed.
 * 2. Timer load: `open` referrals open at once (raised, deadlines pending), a tenth of them past
 *    their acknowledgement deadline; one timer run escalates them all. Figures: deadlines
 *    escalated per second, and how long a run takes when nothing is due.
 */
export async function benchReferrals(options: ReferralBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const latency = await consentToFeed(options.quick ? 200 : 1000, log);
  const timer = await timerLoad(options.quick ? 10_000 : 100_000, log);
  return [...latency, ...timer];
}

class BenchHub {
  now = T0;
  readonly dir = mkdtempSync(join(tmpdir(), 'onestop-bench-referrals-'));
  runtime!: HubRuntime;

  async open(): Promise<HubRuntime> {
    this.runtime = await HubRuntime.open({ dataDir: this.dir, store: 'sqlite', now: () => new Date(this.now), source: 'urn:onestop:bench' });
    return this.runtime;
  }

  meta(recordedBy: string, extra: Partial<EventMetadata> = {}): EventMetadata {
    return { recordedBy, actor: 'bench', purpose: 'referral', occurredAt: this.runtime.nowIso(), ...extra };
  }

  /** `outreach` refers; `sms` receives identity and referrals with consent. */
  async partnership(): Promise<void> {
    const { runtime } = this;
    for (const [agencyId, kind] of [['outreach', 'charity'], ['sms', 'substance-misuse']] as const) {
      const profile = { agencyId, name: agencyId, kind, issuer: `https://idp.${agencyId}.bench`, jwks: { keys: [] }, delivery: { feed: true, kafka: false }, services: [{ id: 'detox', name: 'Community detox' }] };
      await runtime.repository.execute(`agency-${agencyId}`, agencyDecider, { type: 'RegisterAgency', profile }, undefined, this.meta('partnership'));
    }
    await runtime.directory.catchUp();
    const agreement = {
      agreementId: 'rapid-referral',
      title: 'Rapid referral',
      parties: ['outreach', 'sms'],
      grants: [{ recipient: 'sms', categories: ['identity', 'referral'], purposes: ['referral'], basis: 'consent', consentRequired: true, retentionDays: 365 }],
      effectiveFrom: new Date(T0 - 86_400_000).toISOString(),
      reviewDate: '2099-12-31',
    };
    await runtime.repository.execute('agreement-rapid-referral', agreementDecider, { type: 'PublishAgreementVersion', agreement } as never, { knownAgencies: runtime.directory.agencyIds(), agencyKinds: runtime.directory.agencyKinds() }, this.meta('partnership'));
    await runtime.directory.catchUp();
  }

  async person(personId: string, command: PersonCommand): Promise<{ position?: number; types: string[] }> {
    const { runtime } = this;
    const context = { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds() };
    const result = await runtime.repository.execute(`person-${personId}`, personDecider, command, context, this.meta('outreach', { personId, purpose: 'direct-support' }));
    return { position: result.position, types: result.events.map((e) => e.type) };
  }

  async referral(personId: string, type: ReferralCommand['type'], urgency: Urgency): Promise<string> {
    const { runtime } = this;
    const referralId = randomUUID();
    const command = { type, referralId, personId, fromAgency: 'outreach', toAgency: 'sms', service: 'detox', urgency, reason: 'Asked for help with detox today' } as ReferralCommand;
    const context = { now: runtime.nowIso(), knownAgencies: runtime.directory.agencyIds(), calendar: runtime.calendar };
    const addressedTo = type === 'PrepareReferral' ? ['outreach'] : ['outreach', 'sms'];
    await runtime.repository.execute(`referral-${referralId}`, referralDecider, command, context, this.meta('outreach', { personId, addressedTo }));
    return referralId;
  }

  async close(): Promise<void> {
    await this.runtime?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const consentFor = (): PersonCommand => ({
  type: 'GiveConsent',
  consentId: randomUUID(),
  recipients: { agencies: ['sms'], kinds: [] },
  categories: ['identity', 'referral'],
  purposes: ['referral'],
  method: 'verbal',
  validFrom: new Date(T0 - 60_000).toISOString(),
});

async function consentToFeed(samples: number, log: (line: string) => void): Promise<BenchResult[]> {
  const hub = new BenchHub();
  try {
    const runtime = await hub.open();
    await hub.partnership();
    const publisher = runtime.publisher ?? runtime.startPublisher({ feed: true });
    const follow = new ConsentReferrals(runtime);
    const warmUp = Math.ceil(samples / 10);
    const latencies: number[] = [];
    let cursor = runtime.feed.head('sms');
    for (let i = 0; i < warmUp + samples; i += 1) {
      const personId = randomUUID();
      await hub.person(personId, { type: 'RegisterPerson', personId, name: `Person ${i}`, dateOfBirth: '1980-01-01', identifiers: {}, contact: {} });
      const referralId = await hub.referral(personId, 'PrepareReferral', 'immediate');
      await runtime.projector.catchUp();
      const [last] = await runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
      await publisher.waitFor(last.position, 10_000);
      cursor = runtime.feed.head('sms');

      // What `POST /v1/people/{id}/consents` does, from the consent's append on.
      const consent = await hub.person(personId, consentFor());
      const recorded = performance.now();
      await runtime.projector.catchUp();
      const released = await follow.afterPersonEvents(personId, consent.types, consent.position);
      if (released === undefined) throw new Error('the consent released nothing');
      await runtime.projector.catchUp();
      await publisher.waitFor(released, 10_000);
      const page = runtime.feed.read('sms', cursor, 100);
      if (!page.messages.some((m) => m.type === 'onestop.referral.raised.v1' && m.data.referralId === referralId)) throw new Error('the referral is not in the feed');
      if (i >= warmUp) latencies.push(performance.now() - recorded);
      if (i % 100 === 0) log(`consent to feed: ${i}/${warmUp + samples}`);
    }
    latencies.sort((a, b) => a - b);
    const ms = (p: number) => Number((percentile(latencies, p) ?? NaN).toFixed(2));
    return [
      { name: 'referrals: consent recorded to prepared referral in the receiver\'s feed: p50', value: ms(50), unit: 'ms' },
      { name: 'referrals: consent recorded to prepared referral in the receiver\'s feed: p99', value: ms(99), unit: 'ms' },
    ];
  } finally {
    await hub.close();
  }
}

async function timerLoad(open: number, log: (line: string) => void): Promise<BenchResult[]> {
  const hub = new BenchHub();
  try {
    const runtime = await hub.open();
    await hub.partnership();
    // Seeding is not measured: no fsync, many referrals per transaction.
    runtime.db.pragma('synchronous = OFF');
    const people = Array.from({ length: Math.max(1, Math.round(open / 100)) }, () => randomUUID());
    const due = Math.round(open / 10);
    for (let start = 0; start < open; start += 5000) {
      runtime.db.exec('BEGIN');
      for (let i = start; i < Math.min(open, start + 5000); i += 1) await hub.referral(people[i % people.length], 'RaiseReferral', i < due ? 'immediate' : 'routine');
      runtime.db.exec('COMMIT');
      log(`timer: ${Math.min(open, start + 5000)}/${open} referrals raised`);
    }
    await runtime.projector.catchUp();
    runtime.db.pragma('synchronous = FULL');
    const timer = new ReferralDeadlineTimer(runtime);

    hub.now = T0 + 5 * 60_000; // nothing due yet
    await timer.runOnce();
    const idle: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await timer.runOnce();
      idle.push(performance.now() - started);
    }
    idle.sort((a, b) => a - b);

    hub.now = T0 + 16 * 60_000; // every immediate referral is past its 15 minutes
    const started = performance.now();
    const run = await timer.runOnce();
    const seconds = (performance.now() - started) / 1000;
    if (run.escalated !== due) throw new Error(`escalated ${run.escalated} of ${due} due deadlines`);
    log(`timer: ${run.escalated} escalated in ${seconds.toFixed(1)} s`);
    const label = `referral timer at ${open.toLocaleString('en-GB')} open referrals`;
    return [
      { name: `${label}: missed deadlines escalated (${due.toLocaleString('en-GB')} due)`, value: Math.round(run.escalated / seconds), unit: 'deadlines/s' },
      { name: `${label}: a run with nothing due, median`, value: Number((percentile(idle, 50) ?? NaN).toFixed(2)), unit: 'ms' },
    ];
  } finally {
    await hub.close();
  }
}
