import { randomBytes, randomUUID } from 'node:crypto';
import { cloudEventType } from '@onestop/domain';
import type { HubCloudEvent, Outbound } from '@onestop/delivery';

let sequence = 0;

/** An agency id no earlier run used, so topics and feeds of separate runs never mix. */
export function uniqueAgencyId(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}

/** A pseudonym as the hub would give an agency for a person. */
export function pseudonym(): string {
  return `p-${randomBytes(10).toString('base64url')}`;
}

const SERVICES = ['detox', 'rehab', 'housing-options', 'crisis-team'] as const;
const TYPES = ['ReferralRaised.v1', 'NeedsAssessed.v1', 'CheckInRecorded.v1', 'ConsentGiven.v1'] as const;

function dataOf(type: (typeof TYPES)[number], subject: string, n: number): Record<string, unknown> {
  switch (type) {
    case 'ReferralRaised.v1':
      return {
        referralId: randomUUID(),
        personId: subject,
        fromAgency: 'sms',
        toAgency: 'housing',
        service: SERVICES[n % SERVICES.length],
        urgency: n % 3 === 0 ? 'immediate' : 'same-day',
        reason: 'Accepted help at the one-stop shop this morning; needs a bed tonight — “ready now”.',
        raisedAt: '2025-03-04T09:15:00.000Z',
        acknowledgeBy: '2025-03-04T09:45:00.000Z',
      };
    case 'NeedsAssessed.v1':
      return {
        personId: subject,
        assessmentId: randomUUID(),
        needs: {
          accommodation: { level: 'high', summary: 'Sofa-surfing, notice to leave on Friday', details: { since: '2025-02-01' } },
          'substance-use': { level: 'crisis', summary: 'Daily use, asked about detox', details: {} },
        },
      };
    case 'CheckInRecorded.v1':
      return {
        personId: subject,
        checkInId: randomUUID(),
        changes: { finances: { level: 'medium', summary: 'Universal Credit sanction lifted' } },
        note: `Week ${n}: attended; calmer than last week.`,
      };
    case 'ConsentGiven.v1':
      return {
        personId: subject,
        consentId: randomUUID(),
        recipients: ['housing', 'sms', 'health-board'],
        categories: ['accommodation', 'substance-use', 'referral'],
        purposes: ['direct-support', 'referral'],
        method: 'verbal',
        validFrom: '2025-03-04T09:00:00.000Z',
        validUntil: '2026-03-04T09:00:00.000Z',
      };
  }
}

/**
 * A realistic message (about 1 KB as JSON) for `agencyId` about the person it knows as `key`, with
 * a signature-shaped `signature` (the port carries messages as given; signing is tested elsewhere).
 * `summary` is passed through to the outbound (`null` for a tombstone).
 */
export function testOutbound(agencyId: string, key: string, summary?: Record<string, unknown> | null): Outbound {
  sequence += 1;
  const type = TYPES[sequence % TYPES.length];
  const message: HubCloudEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: 'urn:onestop:hub:town-centre',
    type: cloudEventType(type),
    subject: key,
    time: new Date(Date.UTC(2025, 2, 4, 9, 0, 0, sequence)).toISOString(),
    datacontenttype: 'application/json',
    data: dataOf(type, key, sequence),
    agreementid: 'town-centre-isp',
    agreementversion: 3,
    grant: 1 + (sequence % 4),
    lawfulbasis: 'consent',
    purpose: 'direct-support',
    consentid: randomUUID(),
    sequence: String(sequence).padStart(12, '0'),
    signature: `eyJhbGciOiJFZERTQSIsImtpZCI6Imh1Yi0xIn0..${randomBytes(64).toString('base64url')}`,
  };
  return summary === undefined ? { agencyId, key, message } : { agencyId, key, message, summary };
}

/**
 * `count` messages spread round-robin over `agencyIds` and, within each agency, over `keysPerAgency`
 * people; every fifth carries a summary and every seventeenth a tombstone.
 */
export function testStream(agencyIds: readonly string[], keysPerAgency: number, count: number): Outbound[] {
  const keys = new Map(agencyIds.map((a) => [a, Array.from({ length: keysPerAgency }, pseudonym)]));
  return Array.from({ length: count }, (_, i) => {
    const agencyId = agencyIds[i % agencyIds.length];
    const key = keys.get(agencyId)![Math.floor(i / agencyIds.length) % keysPerAgency];
    const summary = i % 17 === 0 ? null : i % 5 === 0 ? { pseudonym: key, needs: { accommodation: 'high' }, lastSeen: i } : undefined;
    return testOutbound(agencyId, key, summary);
  });
}

/** Splits `items` into consecutive batches of `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
