import { Issuer, TestHub } from '../support/hub-harness';
import { agreementBody, blamedFields, REVIEW_DATE, storedEvents, withoutWriting } from '../support/fixtures';

describe('partnership administration over HTTP', () => {
  let hub: TestHub;
  let admin: string;
  let housing: Issuer;

  const putAgency = (id: string, body: unknown) => hub.request('PUT', `/v1/agencies/${id}`, admin, body);
  const registration = (issuer: Issuer, extra: Record<string, unknown> = {}) => ({
    name: `${issuer.agencyId} agency`,
    kind: 'charity',
    issuer: issuer.issuer,
    jwks: { keys: [issuer.publicJwk] },
    ...extra,
  });

  beforeAll(async () => {
    hub = await TestHub.start();
    admin = await hub.admin.token(['admin']);
    housing = await hub.registerAgency('housing', 'housing');
    await hub.registerAgency('sms', 'substance-misuse');
    await hub.registerAgency('police', 'police');
  });
  afterAll(() => hub.close());

  describe('agencies', () => {
    it('given a new agency id, when the administrator PUTs it, then it is registered: 201 with an ETag', async () => {
      const shelter = await Issuer.create('shelter');
      const res = await putAgency('shelter', registration(shelter, { services: [{ id: 'outreach', name: 'Street outreach' }] }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ agencyId: 'shelter', revision: 0 });
      expect(res.headers.get('etag')).toBe('"0"');
    });

    it('given a registered agency, when its registration is PUT unchanged, then nothing is recorded: 200 and the same revision', async () => {
      const charity = await Issuer.create('foodbank');
      expect((await putAgency('foodbank', registration(charity))).status).toBe(201);
      const again = await withoutWriting(hub, () => putAgency('foodbank', registration(charity)));
      expect(again.status).toBe(200);
      expect(again.body.revision).toBe(0);
    });

    it('given a registered agency, when a changed registration is PUT, then it is updated: 200 with the next revision', async () => {
      const advice = await Issuer.create('advice');
      await putAgency('advice', registration(advice));
      const res = await putAgency('advice', registration(advice, { name: 'Citizens Advice Wrexham' }));
      expect(res.status).toBe(200);
      expect(res.body.revision).toBe(1);
      expect(res.headers.get('etag')).toBe('"1"');
      const list = await hub.request('GET', '/v1/agencies', admin);
      expect(list.body.agencies.find((a: { agencyId: string }) => a.agencyId === 'advice')).toMatchObject({ name: 'Citizens Advice Wrexham', kind: 'charity' });
    });

    it('given a stale If-Match or expectedRevision, then 409 with the actual revision, and the registration is unchanged', async () => {
      const clinic = await Issuer.create('clinic');
      await putAgency('clinic', registration(clinic));
      expect((await putAgency('clinic', registration(clinic, { name: 'Clinic, renamed' }))).body.revision).toBe(1);
      const stale = await withoutWriting(hub, () => hub.request('PUT', '/v1/agencies/clinic', admin, registration(clinic, { name: 'Clinic, stale' }), { 'If-Match': '"0"' }));
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 1 });
      const inBody = await withoutWriting(hub, () => putAgency('clinic', registration(clinic, { name: 'Clinic, stale', expectedRevision: 0 })));
      expect(inBody.status).toBe(409);
      const current = await hub.request('PUT', '/v1/agencies/clinic', admin, registration(clinic, { name: 'Clinic, current' }), { 'If-Match': '"1"' });
      expect(current.body).toEqual({ agencyId: 'clinic', revision: 2 });
    });

    it('lists every registered agency once, with its public keys and delivery, to any authenticated caller', async () => {
      const res = await hub.request('GET', '/v1/agencies', await housing.token(['caseworker']));
      expect(res.status).toBe(200);
      const ids = res.body.agencies.map((a: { agencyId: string }) => a.agencyId);
      expect(ids).toEqual(expect.arrayContaining(['housing', 'police', 'sms']));
      expect(new Set(ids).size).toBe(ids.length);
      const entry = res.body.agencies.find((a: { agencyId: string }) => a.agencyId === 'housing');
      expect(entry).toMatchObject({ kind: 'housing', issuer: housing.issuer, jwks: { keys: [housing.publicJwk] }, delivery: { feed: true, kafka: false } });
      expect(JSON.stringify(res.body)).not.toMatch(/"d":/);
    });

    describe('refuses a bad registration with a 400 naming the field, and records nothing', () => {
      let newcomer: Issuer;
      beforeAll(async () => {
        newcomer = await Issuer.create('newcomer');
      });

      it('when both jwks and jwksUri are given', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { jwksUri: 'https://idp.newcomer.test/jwks' })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks']);
      });

      it('when neither jwks nor jwksUri is given', async () => {
        const { jwks: _jwks, ...body } = registration(newcomer);
        const res = await withoutWriting(hub, () => putAgency('newcomer', body));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks']);
      });

      it('when jwks is null and no jwksUri is given (an agency without keys)', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { jwks: null })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks']);
      });

      it('when the jwks holds a private key', async () => {
        const privateJwk = { ...newcomer.publicJwk, d: 'c2VjcmV0LXNjYWxhci1ub3QtZm9yLXRoZS1odWI' };
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { jwks: { keys: [privateJwk] } })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks.keys[0]']);
        expect(JSON.stringify(res.body)).not.toContain(privateJwk.d);
      });

      it('when the jwks holds a symmetric key', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { jwks: { keys: [newcomer.publicJwk, { kty: 'oct', k: 'c2hhcmVk' }] } })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks.keys[1]']);
      });

      it.each([
        ['not a JWK at all', { use: 'sig' }],
        ['of an unknown key type', { kty: 'nope', kid: 'k1' }],
        ['an EC key missing its coordinates', { kty: 'EC', crv: 'P-256', kid: 'k1' }],
      ])('when a key is %s (tokens could never verify against it)', async (_, key) => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { jwks: { keys: [key] } })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwks.keys[0]']);
      });

      it('when the issuer is already registered to another agency', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { issuer: housing.issuer })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['issuer']);
        expect(res.body.error.fields.issuer).toContain('housing');
      });

      it('when the kind is not one of the partnership\'s kinds', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { kind: 'bank' })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['kind']);
      });

      it('when the jwksUri is plain http to another host', async () => {
        const { jwks: _jwks, ...body } = registration(newcomer, { jwksUri: 'http://idp.newcomer.test/jwks' });
        const res = await withoutWriting(hub, () => putAgency('newcomer', body));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['jwksUri']);
      });

      it('when the body has a field the contract does not know', async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { colour: 'blue' })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['colour']);
      });

      it("when the agency id is the partnership administrator's", async () => {
        const res = await withoutWriting(hub, () => putAgency('partnership', registration(newcomer)));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['agencyId']);
      });

      it("when the issuer is the partnership administrator's", async () => {
        const res = await withoutWriting(hub, () => putAgency('newcomer', registration(newcomer, { issuer: hub.admin.issuer })));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['issuer']);
      });

      it('when the agency id in the path is not a slug', async () => {
        const res = await withoutWriting(hub, () => putAgency('New_Comer', registration(newcomer)));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['agencyId']);
      });
    });
  });

  describe('agreements', () => {
    const putAgreement = (id: string, body: unknown, headers: Record<string, string> = {}) => hub.request('PUT', `/v1/agreements/${id}`, admin, body, headers);
    const listed = async (id: string) => (await hub.request('GET', '/v1/agreements', admin)).body.agreements.find((a: { agreementId: string }) => a.agreementId === id);

    it('given a new agreement id, each PUT publishes the next version: 1, 2, 3 (201 each), never editing one', async () => {
      for (const version of [1, 2, 3]) {
        const res = await putAgreement('isp-versions', agreementBody({ title: `ISP, edition ${version}` }));
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ agreementId: 'isp-versions', version, revision: version - 1 });
      }
      const agreement = await listed('isp-versions');
      expect(agreement.versionInForce).toBe(3);
      expect(agreement.versions.map((v: { version: number; title: string }) => [v.version, v.title])).toEqual([
        [1, 'ISP, edition 1'],
        [2, 'ISP, edition 2'],
        [3, 'ISP, edition 3'],
      ]);
    });

    it('shows a version that takes effect later as published but not yet in force', async () => {
      await putAgreement('isp-future', agreementBody());
      const res = await putAgreement('isp-future', agreementBody({ effectiveFrom: '2098-01-01T00:00:00Z' }));
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(2);
      const agreement = await listed('isp-future');
      expect(agreement.versionInForce).toBe(1);
      expect(agreement.versions).toHaveLength(2);
    });

    it('records the grants as published, with the defaults filled in', async () => {
      await putAgreement('isp-defaults', agreementBody());
      const [version] = (await listed('isp-defaults')).versions;
      expect(version).toMatchObject({ agreementId: 'isp-defaults', version: 1, reviewDate: REVIEW_DATE, parties: ['housing', 'sms', 'police'] });
      expect(version.grants[0]).toEqual({ recipient: 'housing', categories: ['identity', 'accommodation'], purposes: ['direct-support'], basis: 'public-task', consentRequired: false, retentionDays: 365 });
    });

    describe('refuses a bad version with a 400 naming the field, and records nothing', () => {
      it.each<[string, Record<string, unknown>, string]>([
        ['a grant to an unknown agency', { grants: [{ recipient: 'nobody', categories: ['identity'], purposes: ['referral'], basis: 'consent' }] }, 'grants[0].recipient'],
        ['an unknown party', { parties: ['housing', 'nobody', 'sms'] }, 'parties[1]'],
        ['a grant to an agency that is not a party', { parties: ['housing', 'police'] }, 'grants[1].recipient'],
        ['an unknown lawful basis', { grants: [{ recipient: 'sms', categories: ['identity'], purposes: ['referral'], basis: 'whim' }] }, 'grants[0].basis'],
        ['an unknown category', { grants: [{ recipient: 'sms', categories: ['gossip'], purposes: ['referral'], basis: 'consent' }] }, 'grants[0].categories'],
        ['no grants at all', { grants: [] }, 'grants'],
        ['a review date that is not a date', { reviewDate: 'soon' }, 'reviewDate'],
        ['a review date before the effective date', { effectiveFrom: '2030-01-01T00:00:00Z', reviewDate: '2029-12-31' }, 'reviewDate'],
        ['a field the contract does not know', { signedBy: 'the chief executive' }, 'signedBy'],
      ])('%s', async (_, overrides, field) => {
        const res = await withoutWriting(hub, () => putAgreement('isp-bad', agreementBody(overrides)));
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('validation.failed');
        expect(blamedFields(res)).toEqual([field]);
      });
    });

    describe('with optimistic concurrency', () => {
      beforeAll(async () => {
        await putAgreement('isp-concurrent', agreementBody());
        await putAgreement('isp-concurrent', agreementBody());
      });

      it('given the current revision in If-Match, then the next version is published', async () => {
        const res = await putAgreement('isp-concurrent', agreementBody(), { 'If-Match': '"1"' });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ version: 3, revision: 2 });
      });

      it('given a stale If-Match, then 409 with the actual revision, and nothing is published', async () => {
        const res = await withoutWriting(hub, () => putAgreement('isp-concurrent', agreementBody(), { 'If-Match': '"0"' }));
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 2 });
      });

      it('given a stale expectedRevision in the body, then 409 with the actual revision, and nothing is published', async () => {
        const res = await withoutWriting(hub, () => putAgreement('isp-concurrent', agreementBody({ expectedRevision: 1 })));
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'stream.version-conflict', actualRevision: 2 });
      });

      it('given If-Match that is not a revision, then 400 naming If-Match', async () => {
        const res = await withoutWriting(hub, () => putAgreement('isp-concurrent', agreementBody(), { 'If-Match': 'yesterday' }));
        expect(res.status).toBe(400);
        expect(blamedFields(res)).toEqual(['If-Match']);
      });
    });
  });

  it('given a body that is not valid JSON, then 400 and nothing is recorded', async () => {
    const before = await storedEvents(hub);
    const res = await hub.request('PUT', '/v1/agreements/isp-truncated', admin, '{"title": "ISP", "grants": [');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.malformed');
    expect(await storedEvents(hub)).toBe(before);
  });
});
