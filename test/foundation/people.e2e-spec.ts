import { randomUUID } from 'node:crypto';
import { TestHub } from '../support/hub-harness';
import { blamedFields, consentBody, needsOfEveryCategory, Partnership, personBody, registerPerson, startPartnership, withoutWriting } from '../support/fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('people over HTTP', () => {
  let hub: TestHub;
  let p: Partnership;

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
  });
  afterAll(() => hub.close());

  describe('registering a person', () => {
    it('given a caseworker, when they register a person, then 201 with the hub id, a Location, an ETag and their agency\'s pseudonym', async () => {
      const res = await hub.request('POST', '/v1/people', p.tokens.sms, personBody({ identifiers: { nhsNumber: '9434765919' }, contact: { phone: '01978 123456' } }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ personId: expect.stringMatching(UUID), revision: 0, pseudonym: expect.stringMatching(/^psn_/) });
      expect(res.headers.get('location')).toBe(`/v1/people/${res.body.personId}`);
      expect(res.headers.get('etag')).toBe('"0"');
    });

    it('gives each agency its own stable pseudonym for the same person', async () => {
      const created = await hub.request('POST', '/v1/people', p.tokens.sms, personBody());
      const asSms = await hub.request('GET', `/v1/people/${created.body.personId}`, p.tokens.sms);
      const asHousing = await hub.request('GET', `/v1/people/${created.body.personId}`, p.tokens.housing);
      expect(asSms.body.pseudonym).toBe(created.body.pseudonym);
      expect(asHousing.body.pseudonym).toMatch(/^psn_/);
      expect(asHousing.body.pseudonym).not.toBe(created.body.pseudonym);
    });

    describe('refuses a bad body with a 400 naming each bad field, and records nothing', () => {
      it.each<[string, Record<string, unknown>, string[]]>([
        ['no name', { name: undefined }, ['name']],
        ['a date of birth that is not a date', { dateOfBirth: '14/03/1988' }, ['dateOfBirth']],
        ['a date of birth that does not exist (31 February)', { dateOfBirth: '1990-02-31' }, ['dateOfBirth']],
        ['a date of birth on 29 February of a common year', { dateOfBirth: '1985-02-29' }, ['dateOfBirth']],
        ['a date of birth in the future', { dateOfBirth: '2090-01-01' }, ['dateOfBirth']],
        ['a date of birth before 1900', { dateOfBirth: '0001-01-01' }, ['dateOfBirth']],
        ['an NHS number that is not 10 digits', { identifiers: { nhsNumber: '12345' } }, ['identifiers.nhsNumber']],
        ['an NHS number whose check digit is wrong', { identifiers: { nhsNumber: '9434765910' } }, ['identifiers.nhsNumber']],
        ['a name that is only spaces', { name: '   ' }, ['name']],
        ['a name with a control character', { name: 'Alex\u0000Jones' }, ['name']],
        ['a name with half a surrogate pair', { name: 'Alex \ud800Jones' }, ['name']],
        ['an email that is not one', { contact: { email: 'not-an-email' } }, ['contact.email']],
        ['a field the contract does not know', { favouriteColour: 'blue' }, ['favouriteColour']],
        ['an unknown identifier', { identifiers: { passport: '123456789' } }, ['identifiers.passport']],
        ['two bad fields at once', { name: '', dateOfBirth: 'yesterday' }, ['name', 'dateOfBirth']],
      ])('%s', async (_, overrides, fields) => {
        const res = await withoutWriting(hub, () => hub.request('POST', '/v1/people', p.tokens.sms, personBody(overrides)));
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('validation.failed');
        expect(blamedFields(res).sort()).toEqual([...fields].sort());
      });

      it('a body that is not valid JSON (without quoting it back)', async () => {
        const res = await withoutWriting(hub, () => hub.request('POST', '/v1/people', p.tokens.sms, '{"name": Alex Jones, "dateOfBirth": "1988-03-14"}'));
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('request.malformed');
        expect(JSON.stringify(res.body)).not.toContain('Alex');
      });

      it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])('a JSON body sent as %s: 415 naming the type it must be', async (type) => {
        const res = await withoutWriting(hub, () => hub.request('POST', '/v1/people', p.tokens.sms, personBody(), { 'content-type': type }));
        expect(res.status).toBe(415);
        expect(res.body.error).toMatchObject({ code: 'request.unsupported-media-type', message: expect.stringContaining('application/json') });
      });

      it('a body that is JSON but not an object', async () => {
        const res = await withoutWriting(hub, () => hub.request('POST', '/v1/people', p.tokens.sms, '"Alex Jones"'));
        expect(res.status).toBe(400);
      });
    });
  });

  describe('reading a person', () => {
    let personId: string;
    let body: Record<string, unknown>;

    beforeAll(async () => {
      body = personBody({ identifiers: { councilRef: 'HOU-5521' }, contact: { phone: '01978 123456' } });
      personId = await registerPerson(hub, p.tokens.sms, body);
    });

    it('given their own agency, when it reads the summary, then it sees the identity it recorded, with the revision as ETag', async () => {
      const res = await hub.request('GET', `/v1/people/${personId}`, p.tokens.sms);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ personId, revision: 0, identity: { name: body.name, dateOfBirth: body.dateOfBirth, identifiers: { councilRef: 'HOU-5521' } }, contact: { phone: '01978 123456' } });
      expect(res.headers.get('etag')).toBe('"0"');
    });

    it('given their own agency, when it reads the history, then it sees the registration as its own record', async () => {
      const res = await hub.request('GET', `/v1/people/${personId}/history`, p.tokens.sms);
      expect(res.status).toBe(200);
      expect(res.body.purpose).toBe('direct-support');
      expect(res.body.events).toHaveLength(1);
      expect(res.body.events[0]).toMatchObject({ type: 'PersonRegistered.v1', recordedBy: 'sms', basis: 'own-record', data: { name: body.name } });
    });

    it('given an agency with an identity grant (housing, public task), then it sees the identity but not the contact details', async () => {
      const res = await hub.request('GET', `/v1/people/${personId}`, p.tokens.housing);
      expect(res.status).toBe(200);
      expect(res.body.identity).toMatchObject({ name: body.name });
      expect(res.body).not.toHaveProperty('contact');
      expect(JSON.stringify(res.body)).not.toContain('01978');
      const history = await hub.request('GET', `/v1/people/${personId}/history`, p.tokens.housing);
      expect(history.body.events[0]).toMatchObject({ basis: 'public-task', explanation: { agreementId: 'one-stop-shop', version: 1, grant: 1 } });
    });

    it('given an agency with no grant (police), then the person is not found, exactly as if they did not exist', async () => {
      const summary = await hub.request('GET', `/v1/people/${personId}`, p.tokens.police);
      const history = await hub.request('GET', `/v1/people/${personId}/history`, p.tokens.police);
      const nobody = await hub.request('GET', `/v1/people/${randomUUID()}`, p.tokens.police);
      expect([summary.status, history.status]).toEqual([404, 404]);
      expect(summary.body.error.code).toBe(nobody.body.error.code);
    });

    it('lets a DPO read, but not register', async () => {
      const dpo = await p.sms.token(['dpo']);
      expect((await hub.request('GET', `/v1/people/${personId}`, dpo)).status).toBe(200);
      expect((await withoutWriting(hub, () => hub.request('POST', '/v1/people', dpo, personBody()))).status).toBe(403);
    });
  });

  describe('searching by name and date of birth', () => {
    let personId: string;
    let body: Record<string, unknown>;
    const search = (token: string, query: Record<string, unknown>) =>
      hub.request('GET', `/v1/people?${new URLSearchParams(query as Record<string, string>).toString()}`, token);

    beforeAll(async () => {
      body = personBody();
      personId = await registerPerson(hub, p.tokens.sms, body);
    });

    it('finds the person for the agency that registered them', async () => {
      const res = await search(p.tokens.sms, { name: body.name, dob: body.dateOfBirth });
      expect(res.status).toBe(200);
      expect(res.body.people).toEqual([{ personId, pseudonym: expect.stringMatching(/^psn_/), name: body.name, dateOfBirth: body.dateOfBirth }]);
    });

    it('finds the person for an agency granted identity', async () => {
      const res = await search(p.tokens.housing, { name: body.name, dob: body.dateOfBirth });
      expect(res.body.people.map((x: { personId: string }) => x.personId)).toEqual([personId]);
    });

    it('does not find the person for an agency without an identity grant', async () => {
      const res = await search(p.tokens.police, { name: body.name, dob: body.dateOfBirth });
      expect(res.status).toBe(200);
      expect(res.body.people).toEqual([]);
    });

    it('matches exactly: another date of birth finds no one', async () => {
      expect((await search(p.tokens.sms, { name: body.name, dob: '1990-01-01' })).body.people).toEqual([]);
    });

    it('refuses a search without a name, or with a malformed date, naming the parameter', async () => {
      expect(blamedFields(await search(p.tokens.sms, { dob: '1988-03-14' }))).toEqual(['name']);
      const badDob = await search(p.tokens.sms, { name: body.name, dob: '14-03-1988' });
      expect(badDob.status).toBe(400);
      expect(blamedFields(badDob)).toEqual(['dob']);
    });
  });

  describe('query parameters', () => {
    it.each(['/v1/people/{id}?after=abc&limit=-1', '/v1/people/{id}/history?after=abc', '/v1/agencies?page=2', '/v1/agreements?inForce=true'])('refuses %s, a call that takes none, naming each parameter', async (path) => {
      const personId = await registerPerson(hub, p.tokens.housing);
      const res = await hub.request('GET', path.replace('{id}', personId), p.tokens.housing);
      expect(res.status).toBe(400);
      const names = [...new URL(path, 'http://hub').searchParams.keys()];
      expect(blamedFields(res).sort()).toEqual(names.sort());
    });
  });

  describe('ids in paths', () => {
    it.each(['', '/history'])('answers 404 for an unknown person (GET /v1/people/{id}%s)', async (suffix) => {
      const res = await hub.request('GET', `/v1/people/${randomUUID()}${suffix}`, p.tokens.sms);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('person.not-found');
    });

    it.each<[string, Record<string, unknown>]>([
      ['consents', consentBody()],
      ['assessments', { needs: needsOfEveryCategory() }],
      ['check-ins', { changes: needsOfEveryCategory() }],
    ])('answers 404 for a write to an unknown person (POST .../%s), recording nothing', async (what, body) => {
      const res = await withoutWriting(hub, () => hub.request('POST', `/v1/people/${randomUUID()}/${what}`, p.tokens.sms, body));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('person.not-found');
    });

    it.each(['', '/history'])('answers 400 naming personId for a malformed UUID (GET /v1/people/not-a-uuid%s)', async (suffix) => {
      const res = await hub.request('GET', `/v1/people/not-a-uuid${suffix}`, p.tokens.sms);
      expect(res.status).toBe(400);
      expect(blamedFields(res)).toEqual(['personId']);
    });
  });
});
