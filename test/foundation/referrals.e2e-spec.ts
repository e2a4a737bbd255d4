import { randomUUID } from 'node:crypto';
import { TestHub } from '../support/hub-harness';
import { blamedFields, consentBody, Partnership, registerPerson, startPartnership, withoutWriting } from '../support/fixtures';

/**
 * Referrals over HTTP. Housing refers a person it registered to the substance-misuse service's
 * detox; the police are a third agency with no part in the referral.
 */
describe('referrals over HTTP', () => {
  let hub: TestHub;
  let p: Partnership;
  let personId: string;

  const raiseBody = (overrides: Record<string, unknown> = {}) => ({ personId, toAgency: 'sms', service: 'detox', urgency: 'immediate', reason: 'Asked for help with detox today', ...overrides });
  const raise = async (overrides: Record<string, unknown> = {}) => {
    const res = await hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody(overrides));
    if (res.status !== 201) throw new Error(`raising failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.referralId as string;
  };
  const act = (referralId: string, action: string, token: string, body?: unknown, headers?: Record<string, string>) =>
    hub.request('POST', `/v1/referrals/${referralId}/${action}`, token, body, headers);
  const list = async (token: string, query = '') => (await hub.request('GET', `/v1/referrals${query}`, token)).body.referrals as Array<Record<string, any>>;

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
    personId = await registerPerson(hub, p.tokens.housing);
    // sms receives referrals with the person's consent: without it no referral could be raised to it.
    const consent = await hub.request('POST', `/v1/people/${personId}/consents`, p.tokens.housing, consentBody({ categories: ['identity', 'substance-use', 'referral'] }));
    expect(consent.status).toBe(201);
  });
  afterAll(() => hub.close());

  describe('raising', () => {
    it('given an immediate referral, then 201 with a Location, an ETag and an acknowledgement deadline 15 minutes on', async () => {
      const before = Date.now();
      const res = await hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody());
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ referralId: expect.any(String), status: 'raised', acknowledgeBy: expect.any(String), revision: 0 });
      expect(res.headers.get('location')).toBe(`/v1/referrals/${res.body.referralId}`);
      expect(res.headers.get('etag')).toBe('"0"');
      const deadline = Date.parse(res.body.acknowledgeBy) - before;
      expect(deadline).toBeGreaterThan(14 * 60_000);
      expect(deadline).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    });

    it('given waitForConsent for a person who has not consented, then it is prepared, with no deadline yet', async () => {
      const unconsented = await registerPerson(hub, p.tokens.housing);
      const res = await hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody({ personId: unconsented, waitForConsent: true }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'prepared', acknowledgeBy: null });
    });

    it('given no consent covering the receiver, then 403 policy.denied pointing to waitForConsent, nothing recorded and nothing on its board', async () => {
      const unconsented = await registerPerson(hub, p.tokens.housing);
      const boardBefore = await list(p.tokens.sms);
      const res = await withoutWriting(hub, () => hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody({ personId: unconsented })));
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'policy.denied', toAgency: 'sms', message: expect.stringContaining('waitForConsent') });
      expect(await list(p.tokens.sms)).toEqual(boardBefore);
    });

    describe('refuses a bad referral with a 400 naming the field, and records nothing', () => {
      it.each<[string, Record<string, unknown>, string]>([
        ['an unknown receiving agency', { toAgency: 'nobody' }, 'toAgency'],
        ['a referral to the referrer itself', { toAgency: 'housing' }, 'toAgency'],
        ['an unknown urgency', { urgency: 'whenever' }, 'urgency'],
        ['a person id that is not a UUID', { personId: 'alex' }, 'personId'],
        ['no reason', { reason: undefined }, 'reason'],
        ['a field the contract does not know', { priority: 1 }, 'priority'],
      ])('%s', async (_, overrides, field) => {
        const res = await withoutWriting(hub, () => hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody(overrides)));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual([field]);
      });
    });

    it('answers 404 for a referral of an unknown person, recording nothing', async () => {
      const res = await withoutWriting(hub, () => hub.request('POST', '/v1/referrals', p.tokens.housing, raiseBody({ personId: randomUUID() })));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('person.not-found');
    });
  });

  describe('the receiving agency replies', () => {
    it('acknowledges, accepts, starts and completes, each 200 with the new status and the next revision as ETag', async () => {
      const referralId = await raise();
      const steps: Array<[string, string, unknown]> = [
        ['acknowledge', 'acknowledged', undefined],
        ['accept', 'accepted', {}],
        ['start', 'started', {}],
        ['complete', 'completed', { outcome: 'Completed community detox' }],
      ];
      for (const [index, [action, status, body]] of steps.entries()) {
        const res = await act(referralId, action, p.tokens.sms, body);
        expect([action, res.status]).toEqual([action, 200]);
        expect(res.body).toEqual({ referralId, status, revision: index + 1 });
        expect(res.headers.get('etag')).toBe(`"${index + 1}"`);
      }
      expect((await list(p.tokens.housing)).find((r) => r.referralId === referralId)?.status).toBe('completed');
    });

    it('declines with a reason (200), and a decline without a reason is a 400 naming reason', async () => {
      const referralId = await raise();
      const bare = await withoutWriting(hub, () => act(referralId, 'decline', p.tokens.sms, {}));
      expect(bare.status).toBe(400);
      expect(blamedFields(bare)).toEqual(['reason']);
      const res = await act(referralId, 'decline', p.tokens.sms, { reason: 'No detox places this week' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('declined');
    });

    it('allows the referring agency to withdraw, with a reason', async () => {
      const referralId = await raise();
      const res = await act(referralId, 'withdraw', p.tokens.housing, { reason: 'Person moved out of the area' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('withdrawn');
    });

    it.each<[string, string, 'housing' | 'police' | 'sms']>([
      ['the referring agency tries to accept', 'accept', 'housing'],
      ['an uninvolved agency tries to acknowledge', 'acknowledge', 'police'],
      ['the receiving agency tries to withdraw', 'withdraw', 'sms'],
    ])('when %s, then 403 referral.wrong-agency and nothing is recorded', async (_, action, who) => {
      const referralId = await raise();
      const res = await withoutWriting(hub, () => act(referralId, action, p.tokens[who], { reason: 'because' }));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('referral.wrong-agency');
    });

    it('when a withdrawn referral is accepted, then 422 referral.invalid-transition and nothing is recorded', async () => {
      const referralId = await raise();
      await act(referralId, 'withdraw', p.tokens.housing, { reason: 'No longer needed' });
      const res = await withoutWriting(hub, () => act(referralId, 'accept', p.tokens.sms));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('referral.invalid-transition');
    });

    it('when a step is skipped (start before accept), then 422 referral.invalid-transition', async () => {
      const referralId = await raise();
      const res = await withoutWriting(hub, () => act(referralId, 'start', p.tokens.sms));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('referral.invalid-transition');
    });

    it('given a stale If-Match, then 409 with the actual revision, and nothing is recorded', async () => {
      const referralId = await raise();
      await act(referralId, 'acknowledge', p.tokens.sms);
      const res = await withoutWriting(hub, () => act(referralId, 'accept', p.tokens.sms, {}, { 'If-Match': '"0"' }));
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 1 });
      expect((await act(referralId, 'accept', p.tokens.sms, { expectedRevision: 1 })).status).toBe(200);
    });

    it('answers 404 for an unknown referral, 400 naming action for an unknown action, 400 naming referralId for a malformed id', async () => {
      const unknown = await withoutWriting(hub, () => act(randomUUID(), 'accept', p.tokens.sms));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('referral.not-found');
      const referralId = await raise();
      const action = await withoutWriting(hub, () => act(referralId, 'approve', p.tokens.sms));
      expect(action.status).toBe(400);
      expect(blamedFields(action)).toEqual(['action']);
      const malformed = await act('12345', 'accept', p.tokens.sms);
      expect(malformed.status).toBe(400);
      expect(blamedFields(malformed)).toEqual(['referralId']);
    });
  });

  describe('listing', () => {
    let raised: string;
    let acknowledged: string;
    let toHousing: string;

    beforeAll(async () => {
      raised = await raise();
      acknowledged = await raise({ urgency: 'same-day' });
      await act(acknowledged, 'acknowledge', p.tokens.sms);
      const fromSms = await hub.request('POST', '/v1/referrals', p.tokens.sms, raiseBody({ toAgency: 'housing', service: 'emergency-accommodation' }));
      toHousing = fromSms.body.referralId;
    });

    it('shows the receiving agency its referral as incoming, with a red/amber/green status', async () => {
      const mine = (await list(p.tokens.sms)).find((r) => r.referralId === raised);
      expect(mine).toMatchObject({ direction: 'incoming', fromAgency: 'housing', toAgency: 'sms', service: 'detox', urgency: 'immediate', status: 'raised', rag: 'green', escalations: 0 });
      expect(mine?.pseudonym).toMatch(/^psn_/);
    });

    it('shows the referring agency the same referral as outgoing', async () => {
      expect((await list(p.tokens.housing)).find((r) => r.referralId === raised)).toMatchObject({ direction: 'outgoing', status: 'raised' });
    });

    it('gives a referral no longer awaiting acknowledgement no red/amber/green status', async () => {
      expect((await list(p.tokens.sms)).find((r) => r.referralId === acknowledged)).toMatchObject({ status: 'acknowledged', rag: 'none' });
    });

    it('shows an uninvolved agency none of them', async () => {
      expect(await list(p.tokens.police)).toEqual([]);
    });

    it('filters by status', async () => {
      const rows = await list(p.tokens.sms, '?status=acknowledged');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.status === 'acknowledged')).toBe(true);
      expect(rows.map((r) => r.referralId)).toContain(acknowledged);
    });

    it('filters by receiving agency', async () => {
      const outgoing = await list(p.tokens.sms, '?toAgency=housing');
      expect(outgoing.map((r) => r.referralId)).toEqual([toHousing]);
      const incoming = await list(p.tokens.sms, '?toAgency=sms');
      expect(incoming.every((r) => r.direction === 'incoming')).toBe(true);
      expect(incoming.map((r) => r.referralId)).toEqual(expect.arrayContaining([raised, acknowledged]));
    });

    it('refuses an unknown status filter with a 400 naming status', async () => {
      const res = await hub.request('GET', '/v1/referrals?status=lost', p.tokens.sms);
      expect(res.status).toBe(400);
      expect(blamedFields(res)).toEqual(['status']);
    });
  });
});
