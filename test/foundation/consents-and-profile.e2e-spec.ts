import { randomUUID } from 'node:crypto';
import { TestHub } from '../support/hub-harness';
import { blamedFields, consentBody, NEED_CATEGORIES, needsOfEveryCategory, Partnership, registerPerson, startPartnership, withoutWriting } from '../support/fixtures';

describe('consent and the needs profile over HTTP', () => {
  let hub: TestHub;
  let p: Partnership;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, token = p.tokens.housing) => hub.request('POST', path, token, body, headers);
  const summaryFor = async (personId: string, token: string) => hub.request('GET', `/v1/people/${personId}`, token);

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
  });
  afterAll(() => hub.close());

  describe('consent', () => {
    let personId: string;
    beforeEach(async () => {
      personId = await registerPerson(hub, p.tokens.housing);
    });

    it('given a person housing registered, the substance-misuse service sees them only while their consent stands', async () => {
      expect((await summaryFor(personId, p.tokens.sms)).status).toBe(404);

      const given = await post(`/v1/people/${personId}/consents`, consentBody());
      expect(given.status).toBe(201);
      expect(given.body).toEqual({ consentId: expect.any(String), revision: 1 });
      expect(given.headers.get('etag')).toBe('"1"');
      const seen = await summaryFor(personId, p.tokens.sms);
      expect(seen.status).toBe(200);
      expect(seen.body.identity.name).toEqual(expect.stringContaining('Alex Jones'));

      const withdrawn = await post(`/v1/people/${personId}/consents/${given.body.consentId}/withdraw`, {});
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toEqual({ consentId: given.body.consentId, partial: false, revision: 2 });
      expect(withdrawn.headers.get('etag')).toBe('"2"');
      expect((await summaryFor(personId, p.tokens.sms)).status).toBe(404);
    });

    it('shows a consent as it stands, even when the caller may not see the event that ended it', async () => {
      const { consentId } = (await post(`/v1/people/${personId}/consents`, consentBody())).body;
      const shown = async () => ((await summaryFor(personId, p.tokens.housing)).body.consents as Array<{ consentId: string; status: string }>).find((c) => c.consentId === consentId);
      expect(await shown()).toMatchObject({ status: 'active' });
      // The substance-misuse service records the withdrawal; housing has no grant of the support plan it belongs to.
      expect((await post(`/v1/people/${personId}/consents/${consentId}/withdraw`, {}, {}, p.tokens.sms)).status).toBe(200);
      const history = (await hub.request('GET', `/v1/people/${personId}/history`, p.tokens.housing)).body.events as Array<{ type: string }>;
      expect(history.map((e) => e.type)).not.toContain('ConsentWithdrawn.v1');
      expect(await shown()).toMatchObject({ status: 'withdrawn' });
    });

    it('when a consent is withdrawn twice, then the second is refused (422 consent.already-withdrawn) and nothing is recorded', async () => {
      const { consentId } = (await post(`/v1/people/${personId}/consents`, consentBody())).body;
      await post(`/v1/people/${personId}/consents/${consentId}/withdraw`, {});
      const again = await withoutWriting(hub, () => post(`/v1/people/${personId}/consents/${consentId}/withdraw`, {}));
      expect(again.status).toBe(422);
      expect(again.body.error.code).toBe('consent.already-withdrawn');
    });

    it('when part of a consent is withdrawn, then only that part stops being shared', async () => {
      const assessed = await post(`/v1/people/${personId}/assessments`, { needs: { 'substance-use': { level: 'high', summary: 'Daily heroin use' }, accommodation: { level: 'crisis', summary: 'Sleeping rough' } } });
      expect(assessed.status).toBe(201);
      const { consentId } = (await post(`/v1/people/${personId}/consents`, consentBody())).body;
      const before = await summaryFor(personId, p.tokens.sms);
      expect(Object.keys(before.body.needs)).toEqual(['substance-use']);

      const partial = await post(`/v1/people/${personId}/consents/${consentId}/withdraw`, { scope: { categories: ['substance-use'] } });
      expect(partial.status).toBe(200);
      expect(partial.body.partial).toBe(true);

      const after = await summaryFor(personId, p.tokens.sms);
      expect(after.status).toBe(200);
      expect(after.body.identity).toBeDefined();
      expect(after.body.needs).toEqual({});
      const own = await summaryFor(personId, p.tokens.housing);
      expect(own.body.consents).toEqual([expect.objectContaining({ consentId, status: 'active', partiallyWithdrawn: [{ categories: ['substance-use'] }] })]);
    });

    describe('refuses a bad consent with a 400 naming the field, and records nothing', () => {
      it.each<[string, Record<string, unknown>, string]>([
        ['an unknown agency', { recipients: { agencies: ['nobody'], kinds: [] } }, 'recipients.agencies[0]'],
        ['an unknown agency kind', { recipients: { agencies: [], kinds: ['bank'] } }, 'recipients.kinds[0]'],
        ['no recipient', { recipients: { agencies: [], kinds: [] } }, 'recipients'],
        ['no recipients field at all', { recipients: undefined }, 'recipients'],
        ['an unknown category', { categories: ['gossip'] }, 'categories'],
        ['an unknown method', { method: 'telepathy' }, 'method'],
        ['an end before its start', { validFrom: '2030-01-02T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'validUntil'],
        ['a field the contract does not know', { signature: 'x' }, 'signature'],
      ])('%s', async (_, overrides, field) => {
        const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/consents`, consentBody(overrides)));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual([field]);
      });

      it('a partial withdrawal naming what the consent does not cover', async () => {
        const { consentId } = (await post(`/v1/people/${personId}/consents`, consentBody())).body;
        const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/consents/${consentId}/withdraw`, { scope: { categories: ['offending'] } }));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['scope.categories[0]']);
      });
    });

    it('answers 404 for an unknown consent and 400 naming consentId for a malformed one', async () => {
      const unknown = await withoutWriting(hub, () => post(`/v1/people/${personId}/consents/${randomUUID()}/withdraw`, {}));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('consent.not-found');
      const malformed = await post(`/v1/people/${personId}/consents/42/withdraw`, {});
      expect(malformed.status).toBe(400);
      expect(blamedFields(malformed)).toEqual(['consentId']);
    });
  });

  describe('assessments and check-ins', () => {
    let personId: string;
    beforeEach(async () => {
      personId = await registerPerson(hub, p.tokens.sms);
    });

    it('records an assessment of every need category (201, ETag) and shows it in the summary', async () => {
      const res = await post(`/v1/people/${personId}/assessments`, { needs: needsOfEveryCategory('high') }, {}, p.tokens.sms);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ assessmentId: expect.any(String), revision: 1 });
      expect(res.headers.get('etag')).toBe('"1"');
      const summary = await summaryFor(personId, p.tokens.sms);
      expect(Object.keys(summary.body.needs).sort()).toEqual([...NEED_CATEGORIES].sort());
      for (const category of NEED_CATEGORIES) expect(summary.body.needs[category]).toMatchObject({ level: 'high', summary: `${category} needs attention` });
    });

    it('records a check-in changing every need category (201, ETag) and the summary follows it', async () => {
      await post(`/v1/people/${personId}/assessments`, { needs: needsOfEveryCategory('crisis') }, {}, p.tokens.sms);
      const res = await post(`/v1/people/${personId}/check-ins`, { changes: needsOfEveryCategory('low'), note: 'Housed since Tuesday' }, {}, p.tokens.sms);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ checkInId: expect.any(String), revision: 2 });
      expect(res.headers.get('etag')).toBe('"2"');
      const summary = await summaryFor(personId, p.tokens.sms);
      for (const category of NEED_CATEGORIES) expect(summary.body.needs[category].level).toBe('low');
    });

    describe('refuses a bad profile with a 400 naming the field, and records nothing', () => {
      it.each<[string, string, Record<string, unknown>, string]>([
        ['an assessment with an unknown level', 'assessments', { needs: { accommodation: { level: 'dire', summary: 'x' } } }, 'needs.accommodation.level'],
        ['an assessment without a summary', 'assessments', { needs: { finances: { level: 'low' } } }, 'needs.finances.summary'],
        ['an assessment without needs', 'assessments', {}, 'needs'],
        ['an assessment naming no category', 'assessments', { needs: {} }, 'needs'],
        ['an assessment of a category that is not a need', 'assessments', { needs: { identity: { level: 'low', summary: 'x' } } }, 'needs.identity'],
        ['a check-in with an unknown level', 'check-ins', { changes: { 'mental-health': { level: 'meh', summary: 'x' } } }, 'changes.mental-health.level'],
        ['a check-in without changes', 'check-ins', { note: 'nothing new' }, 'changes'],
      ])('%s', async (_, what, body, field) => {
        const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/${what}`, body, {}, p.tokens.sms));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual([field]);
      });
    });
  });

  describe('optimistic concurrency on a person', () => {
    let personId: string;
    beforeEach(async () => {
      personId = await registerPerson(hub, p.tokens.sms);
      await post(`/v1/people/${personId}/assessments`, { needs: needsOfEveryCategory() }, {}, p.tokens.sms);
    });

    it.each([
      ['assessments', { needs: needsOfEveryCategory() }],
      ['check-ins', { changes: needsOfEveryCategory() }],
      ['consents', consentBody()],
    ])('given the current revision in If-Match, a write to %s is recorded', async (what, body) => {
      const res = await post(`/v1/people/${personId}/${what}`, body, { 'If-Match': '"1"' }, p.tokens.sms);
      expect(res.status).toBe(201);
      expect(res.headers.get('etag')).toBe('"2"');
    });

    it.each([
      ['assessments', { needs: needsOfEveryCategory() }],
      ['check-ins', { changes: needsOfEveryCategory() }],
      ['consents', consentBody()],
    ])('given a stale If-Match, a write to %s gets 409 with the actual revision and nothing is recorded', async (what, body) => {
      const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/${what}`, body, { 'If-Match': '"0"' }, p.tokens.sms));
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 1 });
    });

    it('given a stale expectedRevision in the body, then 409 with the actual revision and nothing is recorded', async () => {
      const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/check-ins`, { changes: needsOfEveryCategory(), expectedRevision: 0 }, {}, p.tokens.sms));
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 1 });
    });

    it.each([1e308, 2 ** 53])('given an expectedRevision of %d, beyond any a stream can have, then 400 naming it and nothing is recorded', async (expectedRevision) => {
      const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/check-ins`, { changes: needsOfEveryCategory(), expectedRevision }, {}, p.tokens.sms));
      expect(res.status).toBe(400);
      expect(blamedFields(res)).toEqual(['expectedRevision']);
    });

    it('given expectedRevision null in the body, then it is treated as no expectation and the write is recorded', async () => {
      const res = await post(`/v1/people/${personId}/check-ins`, { changes: needsOfEveryCategory(), expectedRevision: null }, {}, p.tokens.sms);
      expect(res.status).toBe(201);
    });

    it('given a stale If-Match on a withdrawal, then 409 and the consent still stands', async () => {
      const { consentId } = (await post(`/v1/people/${personId}/consents`, consentBody(), {}, p.tokens.sms)).body;
      const res = await withoutWriting(hub, () => post(`/v1/people/${personId}/consents/${consentId}/withdraw`, {}, { 'If-Match': '1' }, p.tokens.sms));
      expect(res.status).toBe(409);
      const summary = await summaryFor(personId, p.tokens.sms);
      expect(summary.body.consents).toEqual([expect.objectContaining({ consentId, status: 'active' })]);
    });
  });
});
