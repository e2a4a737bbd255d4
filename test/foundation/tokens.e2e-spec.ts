import { createHmac, createPublicKey } from 'node:crypto';
import { Issuer, TestHub } from '../support/hub-harness';
import { personBody, withoutWriting } from '../support/fixtures';
import { b64, claims, handSigned, nowSeconds } from '../attack/forge';

describe('tokens over HTTP', () => {
  let hub: TestHub;
  let sms: Issuer;
  let housing: Issuer;

  /** A call that a valid sms caseworker token may make and that writes when it succeeds. */
  const register = (authorization: string | undefined) =>
    hub.request('POST', '/v1/people', undefined, personBody(), authorization === undefined ? {} : { authorization });

  beforeAll(async () => {
    hub = await TestHub.start();
    sms = await hub.registerAgency('sms', 'substance-misuse');
    housing = await hub.registerAgency('housing', 'housing');
  });
  afterAll(() => hub.close());

  it('accepts a valid token built by the same hand as the refused ones below (the control)', async () => {
    expect((await register(`Bearer ${handSigned(sms, {}, claims(sms))}`)).status).toBe(201);
  });

  describe('refuses with 401 auth.unauthenticated, a WWW-Authenticate challenge, no detail and no echo of the token, and records nothing', () => {
    const cases: Array<[string, () => Promise<string | undefined>]> = [
      ['no Authorization header', async () => undefined],
      ['a scheme other than Bearer', async () => `Basic ${Buffer.from('sms:secret').toString('base64')}`],
      ['a bearer value that is not a JWT', async () => 'Bearer not-a-jwt-at-all'],
      ['a JWT whose parts are not JSON', async () => `Bearer ${Buffer.from('garbage').toString('base64url')}.${Buffer.from('more').toString('base64url')}.c2ln`],
      ['an expired token (five minutes ago, beyond the clock tolerance)', async () => `Bearer ${handSigned(sms, {}, claims(sms, { iat: nowSeconds() - 900, exp: nowSeconds() - 300 }))}`],
      ['a token without exp', async () => `Bearer ${handSigned(sms, {}, claims(sms, { exp: undefined }))}`],
      ['a token not valid until five minutes from now', async () => `Bearer ${handSigned(sms, {}, claims(sms, { nbf: nowSeconds() + 300 }))}`],
      ['a token for another audience', async () => `Bearer ${handSigned(sms, {}, claims(sms, { aud: 'some-other-service' }))}`],
      ['a token from an issuer no agency registered', async () => `Bearer ${await (await Issuer.create('stranger')).token(['caseworker'])}`],
      ['a token signed by a different key with the same kid and issuer', async () => `Bearer ${await (await Issuer.create('sms')).token(['caseworker'])}`],
      ['a token with a signature for other claims', async () => {
        const [header, , signature] = handSigned(sms, {}, claims(sms)).split('.');
        return `Bearer ${header}.${b64(claims(sms, { roles: ['dpo'] }))}.${signature}`;
      }],
      ['an unsigned token (alg: none)', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(sms))}.`],
      ['an HS256 token keyed with the agency\'s public key', async () => {
        const pem = createPublicKey({ key: sms.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: sms.publicJwk.kid })}.${b64(claims(sms))}`;
        return `Bearer ${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      }],
      ['a token naming its own key set (jku header)', async () => `Bearer ${handSigned(sms, { jku: 'https://attacker.test/jwks.json' }, claims(sms))}`],
      ['a token carrying its own key (jwk header)', async () => {
        const attacker = await Issuer.create('attacker');
        return `Bearer ${handSigned(attacker, { jwk: attacker.publicJwk, kid: sms.publicJwk.kid }, claims(sms))}`;
      }],
      ['a role the hub does not know', async () => `Bearer ${await sms.token(['superuser' as never])}`],
      ['no roles at all', async () => `Bearer ${await sms.token([])}`],
      ['a purpose the hub does not know', async () => `Bearer ${await sms.token(['caseworker'], { purpose: 'marketing' })}`],
      ['an agency\'s issuer claiming to act for another agency', async () => `Bearer ${await sms.token(['caseworker'], { agency: 'housing' })}`],
      ['an agency\'s issuer granting the admin role', async () => `Bearer ${await sms.token(['caseworker', 'admin'])}`],
      ['the bootstrap administrator\'s issuer claiming to act for an agency', async () => `Bearer ${await hub.admin.token(['admin'], { agency: 'sms' })}`],
    ];

    it.each(cases)('%s', async (_, authorization) => {
      const header = await authorization();
      const res = await withoutWriting(hub, () => register(header));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'auth.unauthenticated', message: 'authentication required' } });
      // RFC 6750: a token sent and refused is an invalid_token; with none sent, the challenge names no error.
      expect(res.headers.get('www-authenticate')).toBe(header === undefined ? 'Bearer realm="onestop-hub"' : 'Bearer realm="onestop-hub", error="invalid_token"');
      const token = header?.split(' ')[1];
      if (token) {
        expect(JSON.stringify(res.body)).not.toContain(token);
        expect(JSON.stringify(res.body)).not.toContain(token.split('.')[2] || token);
      }
    });
  });

  describe('refuses with 403 auth.forbidden a valid token without the role the call needs, and records nothing', () => {
    const admin = { put: (path: string, body: unknown, token: string) => hub.request('PUT', path, token, body) };

    it('a caseworker registering an agency', async () => {
      const stranger = await Issuer.create('stranger');
      const body = { name: 'Stranger', kind: 'charity', issuer: stranger.issuer, jwks: { keys: [stranger.publicJwk] } };
      const res = await withoutWriting(hub, async () => admin.put('/v1/agencies/stranger', body, await sms.token(['caseworker'])));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth.forbidden');
    });

    it('a caseworker publishing an agreement', async () => {
      const body = { title: 'Rogue ISP', parties: ['sms'], grants: [{ recipient: 'sms', categories: ['identity'], purposes: ['referral'], basis: 'consent' }], reviewDate: '2099-01-01' };
      const res = await withoutWriting(hub, async () => admin.put('/v1/agreements/rogue', body, await sms.token(['caseworker'])));
      expect(res.status).toBe(403);
    });

    it.each<[string, () => Promise<string>]>([
      ['a DPO registering a person', () => sms.token(['dpo'])],
      ['an agency system registering a person', () => sms.token(['system'])],
      ['the bootstrap administrator registering a person', () => hub.admin.token(['admin'])],
    ])('%s', async (_, token) => {
      const res = await withoutWriting(hub, async () => register(`Bearer ${await token()}`));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth.forbidden');
    });
  });

  it('given the administrator rotates an agency\'s key, then tokens signed with the old key are refused at once and the new key works', async () => {
    const old = await housing.token(['caseworker']);
    expect((await register(`Bearer ${old}`)).status).toBe(201);
    const rotated = await Issuer.create('housing');
    const put = await hub.request('PUT', '/v1/agencies/housing', await hub.admin.token(['admin']), {
      name: 'housing agency',
      kind: 'housing',
      issuer: rotated.issuer,
      jwks: { keys: [{ ...rotated.publicJwk, kid: 'housing-2' }] },
    });
    expect(put.status).toBe(200);
    expect((await register(`Bearer ${old}`)).status).toBe(401);
    const fresh = handSigned(rotated, { kid: 'housing-2' }, claims(rotated));
    expect((await register(`Bearer ${fresh}`)).status).toBe(201);
  });
});
