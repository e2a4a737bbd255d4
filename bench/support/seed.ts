import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubRuntime } from '@onestop/application';
import { agencyDecider, agreementDecider, EventMetadata, HubEvent, NeedEntry, PersonEvent, ReferralEvent } from '@onestop/domain';
import { AgencyKey, agencyKeys, BENCH_AGENCIES, BENCH_GRANTS, RECEIVER, RECORDER } from './partnership';

/** What a benchmark data directory holds besides the hub's own files: the agencies' private keys. */
export interface BenchManifest {
  keys: AgencyKey[];
}

const MANIFEST = 'bench-manifest.json';

/** Opens the hub's runtime on a data directory (SQLite store), as the harness and `main` do. */
export function openRuntime(dataDir: string): Promise<HubRuntime> {
  return HubRuntime.open({ dataDir, store: 'sqlite', source: 'urn:onestop:bench' });
}

export function readManifest(dataDir: string): BenchManifest {
  return JSON.parse(readFileSync(join(dataDir, MANIFEST), 'utf8')) as BenchManifest;
}

export function keyOf(manifest: BenchManifest, agencyId: string): AgencyKey {
  const key = manifest.keys.find((k) => k.agencyId === agencyId);
  if (!key) throw new Error(`no bench key for ${agencyId}`);
  return key;
}

const adminMeta = (runtime: HubRuntime): EventMetadata => ({ recordedBy: 'partnership', actor: 'bench-seed', purpose: 'service-planning', occurredAt: runtime.nowIso() });

/**
 * Registers the twelve agencies (each with its own ES256 key, HTTP feed delivery) and publishes
 * the agreement, through the same deciders the admin API uses; writes the keys beside the data.
 */
export async function seedPartnership(runtime: HubRuntime): Promise<BenchManifest> {
  const keys = await agencyKeys(BENCH_AGENCIES.map((a) => a.agencyId));
  for (const agency of BENCH_AGENCIES) {
    const key = keys.find((k) => k.agencyId === agency.agencyId)!;
    const profile = { ...agency, issuer: key.issuer, jwks: { keys: [key.publicJwk as never] }, delivery: { feed: true, kafka: false }, services: [] };
    await runtime.repository.execute(`agency-${agency.agencyId}`, agencyDecider, { type: 'RegisterAgency', profile }, undefined, adminMeta(runtime));
  }
  await runtime.directory.catchUp();
  const effectiveFrom = new Date(Date.parse(runtime.nowIso()) - 86_400_000).toISOString();
  const agreement = {
    agreementId: 'town-centre-isp',
    title: 'Town-centre one-stop shop information sharing protocol',
    parties: BENCH_AGENCIES.map((a) => a.agencyId),
    grants: BENCH_GRANTS,
    effectiveFrom,
    reviewDate: '2099-12-31',
  };
  await runtime.repository.execute('agreement-town-centre-isp', agreementDecider, { type: 'PublishAgreementVersion', agreement }, { knownAgencies: runtime.directory.agencyIds(), agencyKinds: runtime.directory.agencyKinds() }, adminMeta(runtime));
  await runtime.directory.catchUp();
  const manifest = { keys };
  mkdirSync(runtime.dataDir, { recursive: true });
  writeFileSync(join(runtime.dataDir, MANIFEST), JSON.stringify(manifest));
  return manifest;
}

/** How many events each generated person has, and how often a referral is raised for them. */
export interface PeopleShape {
  people: number;
  /** Events per person (at least 2: registration and consent); referrals count towards it. */
  eventsPerPerson: number;
  /** Events written per SQLite transaction while generating. Default 5,000. */
  transactionSize?: number;
  onProgress?: (written: number) => void;
}

const LEVELS = ['low', 'medium', 'high', 'crisis'] as const;
const NOTES = ['Attended the one-stop shop', 'Seen at the day centre', 'Phoned in; no change', 'Outreach visit at the bus station'];
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];

function need(i: number, summary: string): NeedEntry {
  return { level: pick(LEVELS, i), summary, details: `Follow-up ${i}: ${summary.toLowerCase()}; reviewed with the person` };
}

/** The consent every generated person gives: the recorder, the receiver and health services, for care purposes. */
export function benchConsent(personId: string, validFrom: string): PersonEvent {
  return {
    type: 'ConsentGiven.v1',
    data: {
      personId,
      consentId: randomUUID(),
      recipients: { agencies: [RECORDER, RECEIVER, 'health-board', 'shelter', 'hospital'], kinds: ['benefits'] },
      categories: ['identity', 'contact', 'accommodation', 'substance-use', 'physical-health', 'finances', 'support-plan', 'referral'],
      purposes: ['direct-support', 'referral'],
      method: 'written',
      evidenceRef: `consent form ${personId.slice(0, 8)}`,
      validFrom,
    },
  };
}

/** The `n`-th event of a person's life after registration and consent: mostly check-ins, some assessments. */
export function laterPersonEvent(personId: string, n: number): PersonEvent {
  if (n % 8 === 0) {
    return {
      type: 'NeedsAssessed.v1',
      data: {
        personId,
        assessmentId: randomUUID(),
        needs: {
          accommodation: need(n, 'Sleeping rough near the bus station'),
          'substance-use': need(n + 1, 'Daily synthetic cannabinoid use'),
          'mental-health': need(n + 2, 'Low mood, not known to services'),
          offending: need(n + 3, 'Shoplifting caution last year'),
        },
      },
    };
  }
  const changes: Record<string, NeedEntry> = { accommodation: need(n, 'Still rough sleeping; engaged with outreach') };
  if (n % 3 === 0) changes['substance-use'] = need(n, 'Cutting down; asked about detox');
  if (n % 5 === 0) changes.finances = need(n, 'Benefit claim sanctioned');
  return { type: 'CheckInRecorded.v1', data: { personId, checkInId: randomUUID(), changes, note: pick(NOTES, n) } };
}

/** A referral raised by the recorder to the receiver's emergency accommodation. */
export function benchReferral(personId: string, now: string): ReferralEvent {
  return {
    type: 'ReferralRaised.v1',
    data: {
      referralId: randomUUID(),
      personId,
      fromAgency: RECORDER,
      toAgency: RECEIVER,
      service: 'emergency-accommodation',
      urgency: 'same-day',
      reason: 'Accepted help today; needs a bed tonight to start detox',
      raisedAt: now,
      acknowledgeBy: new Date(Date.parse(now) + 8 * 3_600_000).toISOString(),
    },
  };
}

const personMeta = (runtime: HubRuntime, personId: string): EventMetadata => ({ recordedBy: RECORDER, actor: 'sms-caseworker-bench', purpose: 'direct-support', occurredAt: runtime.nowIso(), personId });

/**
 * Writes people with a realistic history through `EventRepository.append` (personal fields sealed
 * under each person's key, as commands store them), many appends per SQLite transaction. People
 * are interleaved in the global order as they would be in a live hub: everyone is registered and
 * consents first, then each round adds one event per person; every 15th event is a referral in
 * its own stream. Returns the person ids.
 */
export async function generatePeople(runtime: HubRuntime, shape: PeopleShape): Promise<string[]> {
  const ids = Array.from({ length: shape.people }, () => randomUUID());
  const perTransaction = shape.transactionSize ?? 5_000;
  const validFrom = new Date(Date.parse(runtime.nowIso()) - 3_600_000).toISOString();
  let written = 0;
  let inTransaction = 0;
  const revisions = new Map<string, number>();
  const append = async (stream: string, events: HubEvent[], metadata: EventMetadata) => {
    if (inTransaction === 0) runtime.db.exec('BEGIN IMMEDIATE');
    const expected = revisions.get(stream) ?? -1;
    await runtime.repository.append(stream, events, metadata, expected < 0 ? 'no_stream' : expected);
    revisions.set(stream, expected + events.length);
    written += events.length;
    inTransaction += events.length;
    if (inTransaction >= perTransaction) {
      runtime.db.exec('COMMIT');
      inTransaction = 0;
      shape.onProgress?.(written);
    }
  };
  try {
    for (const personId of ids) {
      const registered: PersonEvent = {
        type: 'PersonRegistered.v1',
        data: {
          personId,
          name: `Person ${personId.slice(0, 8)}`,
          dateOfBirth: `19${60 + (personId.charCodeAt(0) % 40)}-0${1 + (personId.charCodeAt(1) % 9)}-1${personId.charCodeAt(2) % 10}`,
          identifiers: { nhsNumber: String(9_000_000_000 + (parseInt(personId.slice(0, 6), 16) % 999_999_999)) },
          contact: { address: 'No fixed abode – town centre', phone: '07700 900123' },
        },
      };
      await append(`person-${personId}`, [registered, benchConsent(personId, validFrom)], personMeta(runtime, personId));
    }
    for (let n = 2; n < shape.eventsPerPerson; n += 1) {
      for (const personId of ids) {
        if (n % 15 === 14) {
          const referral = benchReferral(personId, runtime.nowIso());
          await append(`referral-${referral.data.referralId}`, [referral], { ...personMeta(runtime, personId), purpose: 'referral', addressedTo: [RECORDER, RECEIVER] });
        } else {
          await append(`person-${personId}`, [laterPersonEvent(personId, n)], personMeta(runtime, personId));
        }
      }
    }
    if (inTransaction > 0) runtime.db.exec('COMMIT');
  } catch (error) {
    if (runtime.db.inTransaction) runtime.db.exec('ROLLBACK');
    throw error;
  }
  shape.onProgress?.(written);
  await runtime.projector.catchUp();
  return ids;
}
