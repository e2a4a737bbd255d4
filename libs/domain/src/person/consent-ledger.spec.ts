import { Category, Purpose } from '../vocabulary';
import { ConsentLedger, ConsentRecord, consentCovers, evolveConsents, narrowScope } from './consent-ledger';
import { ConsentGivenV1, ConsentScope, PersonEvent } from './person.events';

const personId = '0b7c6f8e-2f7a-4c51-9d1e-6f3b1c2a9e10';
const scope: ConsentScope = {
  recipients: { agencies: ['housing', 'sms'], kinds: ['health'] },
  categories: ['accommodation', 'substance-use'],
  purposes: ['direct-support', 'referral'],
};
const given: ConsentGivenV1 = {
  type: 'ConsentGiven.v1',
  data: {
    personId,
    consentId: 'c-1',
    ...scope,
    method: 'verbal',
    validFrom: '2030-02-01T00:00:00.000Z',
    validUntil: '2030-08-01T00:00:00.000Z',
  },
};
const withdrawn = (partial?: Partial<ConsentScope>): PersonEvent => ({
  type: 'ConsentWithdrawn.v1',
  data: { personId, consentId: 'c-1', withdrawnAt: '2030-03-01T10:00:00.000Z', ...(partial ? { scope: partial } : {}) },
});
const expired: PersonEvent = { type: 'ConsentExpired.v1', data: { personId, consentId: 'c-1', expiredAt: '2030-08-01T00:00:00.000Z' } };

const ledgerOf = (...events: PersonEvent[]): ConsentLedger => events.reduce(evolveConsents, new Map());
const consentAfter = (...events: PersonEvent[]): ConsentRecord => ledgerOf(given, ...events).get('c-1')!;

const housing = { agencyId: 'housing', kind: 'housing' };
const police = { agencyId: 'police', kind: 'police' };
const healthBoard = { agencyId: 'health-board', kind: 'health' };
const MID = '2030-03-15T12:00:00.000Z';
const covers = (c: ConsentRecord, agency = housing, category: Category = 'accommodation', purpose: Purpose = 'referral', at = MID) =>
  consentCovers(c, agency, category, purpose, at);

describe('consent ledger', () => {
  describe('narrowScope', () => {
    it('removes only what a partial withdrawal names', () => {
      expect(narrowScope(scope, { recipients: { agencies: ['sms'], kinds: [] }, categories: ['substance-use'] })).toEqual({
        recipients: { agencies: ['housing'], kinds: ['health'] },
        categories: ['accommodation'],
        purposes: ['direct-support', 'referral'],
      });
    });

    it('keeps a consent whose named agencies are all withdrawn while a kind remains', () => {
      const narrowed = narrowScope(scope, { recipients: { agencies: ['housing', 'sms'], kinds: [] } });
      expect(narrowed?.recipients).toEqual({ agencies: [], kinds: ['health'] });
    });

    it.each<[string, Partial<ConsentScope>]>([
      ['recipients', { recipients: { agencies: ['housing', 'sms'], kinds: ['health'] } }],
      ['categories', { categories: ['accommodation', 'substance-use'] }],
      ['purposes', { purposes: ['referral', 'direct-support'] }],
    ])('leaves nothing when the withdrawal empties the %s', (_dimension, removed) => {
      expect(narrowScope(scope, removed)).toBeUndefined();
    });
  });

  describe('evolveConsents', () => {
    it('records a given consent as active with its scope and validity', () => {
      expect(consentAfter()).toEqual({
        consentId: 'c-1',
        scope,
        validFrom: '2030-02-01T00:00:00.000Z',
        validUntil: '2030-08-01T00:00:00.000Z',
        status: 'active',
        method: 'verbal',
      });
    });

    it('narrows a consent on partial withdrawal and keeps it active', () => {
      const c = consentAfter(withdrawn({ purposes: ['referral'] }));
      expect(c).toMatchObject({ status: 'active', scope: { ...scope, purposes: ['direct-support'] } });
      expect(c.endedAt).toBeUndefined();
    });

    it('ends a consent when a withdrawal leaves a dimension empty', () => {
      expect(consentAfter(withdrawn({ categories: ['accommodation'] }), withdrawn({ categories: ['substance-use'] }))).toMatchObject({
        status: 'withdrawn',
        endedAt: '2030-03-01T10:00:00.000Z',
        scope: { categories: ['substance-use'] },
      });
    });

    it('ends a consent on full withdrawal or expiry', () => {
      expect(consentAfter(withdrawn())).toMatchObject({ status: 'withdrawn', endedAt: '2030-03-01T10:00:00.000Z' });
      expect(consentAfter(expired)).toMatchObject({ status: 'expired', endedAt: '2030-08-01T00:00:00.000Z' });
    });

    it('ignores endings of consents that are unknown or already ended', () => {
      const ended = ledgerOf(given, withdrawn());
      expect(evolveConsents(ended, expired)).toBe(ended);
      expect(evolveConsents(ended, withdrawn({ purposes: ['referral'] }))).toBe(ended);
      const empty = ledgerOf();
      expect(evolveConsents(empty, withdrawn())).toBe(empty);
    });

    it('leaves the previous ledger untouched', () => {
      const before = ledgerOf(given);
      evolveConsents(before, withdrawn());
      expect(before.get('c-1')?.status).toBe('active');
    });
  });

  describe('consentCovers', () => {
    const active = consentAfter();

    it('covers an agency named by id, or by its kind', () => {
      expect(covers(active, housing)).toBe(true);
      expect(covers(active, healthBoard)).toBe(true);
      expect(covers(active, police)).toBe(false);
      expect(covers(active, { agencyId: 'housing-south', kind: 'housing' })).toBe(false);
    });

    it('covers only the categories and purposes consented to', () => {
      expect(covers(active, housing, 'substance-use', 'direct-support')).toBe(true);
      expect(covers(active, housing, 'mental-health')).toBe(false);
      expect(covers(active, housing, 'accommodation', 'crime-prevention')).toBe(false);
    });

    it('covers from validFrom inclusive until validUntil exclusive', () => {
      expect(covers(active, housing, 'accommodation', 'referral', '2030-01-31T23:59:59.999Z')).toBe(false);
      expect(covers(active, housing, 'accommodation', 'referral', '2030-02-01T00:00:00.000Z')).toBe(true);
      expect(covers(active, housing, 'accommodation', 'referral', '2030-07-31T23:59:59.999Z')).toBe(true);
      expect(covers(active, housing, 'accommodation', 'referral', '2030-08-01T00:00:00.000Z')).toBe(false);
    });

    it('covers without end when no validUntil is given', () => {
      const openEnded = { ...active, validUntil: undefined };
      expect(covers(openEnded, housing, 'accommodation', 'referral', '2099-01-01T00:00:00.000Z')).toBe(true);
    });

    it('covers nothing once withdrawn or expired', () => {
      expect(covers(consentAfter(withdrawn()))).toBe(false);
      expect(covers(consentAfter(withdrawn({ categories: ['accommodation', 'substance-use'] })))).toBe(false);
      expect(covers(consentAfter(expired))).toBe(false);
    });

    it('stops covering what a partial withdrawal removed, and only that', () => {
      const narrowed = consentAfter(withdrawn({ recipients: { agencies: ['housing'], kinds: [] }, purposes: ['referral'] }));
      expect(covers(narrowed, housing, 'accommodation', 'direct-support')).toBe(false);
      expect(covers(narrowed, { agencyId: 'sms', kind: 'substance-misuse' }, 'substance-use', 'referral')).toBe(false);
      expect(covers(narrowed, { agencyId: 'sms', kind: 'substance-misuse' }, 'substance-use', 'direct-support')).toBe(true);
      expect(covers(narrowed, healthBoard, 'accommodation', 'direct-support')).toBe(true);
    });
  });
});
