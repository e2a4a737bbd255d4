import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { Role } from '@onestop/domain';
import { AuthenticationError } from './errors';
import { TokenVerifier } from './token-verifier';
import type { IssuerDirectory, TrustedIssuer } from './trusted-issuer';

type Alg = 'ES256' | 'EdDSA' | 'RS256';
interface Signer {
  alg: Alg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

const AUDIENCE = 'onestop-hub';
const POLICE_ISS = 'https://idp.police.example/';
const ADMIN_ISS = 'urn:onestop:admin';
const NOW = new Date('2030-06-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

async function newSigner(alg: Alg, kid: string = randomUUID()): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair<KeyObject>(alg, { extractable: true });
  return { alg, kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: POLICE_ISS,
  aud: AUDIENCE,
  sub: 'officer-17',
  agency: 'police',
  roles: ['caseworker'],
  iat: nowSeconds,
  exp: nowSeconds + 600,
  ...overrides,
});

const signed = (signer: Signer, payload: JWTPayload = claims(), header: Record<string, unknown> = {}) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT', ...header })
    .sign(signer.privateKey);

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a token by hand (headers jose refuses to produce), with a real ES256 signature. */
function handSigned(signer: Signer, header: object, payload: JWTPayload = claims()): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = cryptoSign('sha256', Buffer.from(input), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

class MutableDirectory implements IssuerDirectory {
  readonly issuers = new Map<string, TrustedIssuer>();
  set(issuer: TrustedIssuer): void {
    this.issuers.set(issuer.issuer, issuer);
  }
  async resolve(issuer: string) {
    return this.issuers.get(issuer);
  }
}

const expectRejected = async (promise: Promise<unknown>, reason: string, claim?: string) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect(error).toMatchObject({ code: 'auth.unauthenticated', details: { reason, ...(claim && { claim }) } });
};

describe('TokenVerifier', () => {
  let police: Signer;
  let directory: MutableDirectory;
  let verifier: TokenVerifier;
  const registerPolice = (keys: JWK[]) => directory.set({ issuer: POLICE_ISS, agencyId: 'police', jwks: { keys } });
  const reject = (token: string, reason: string, claim?: string) =>
    expectRejected(verifier.verify(token), reason, claim);

  beforeAll(async () => {
    police = await newSigner('ES256');
  });

  beforeEach(() => {
    directory = new MutableDirectory();
    registerPolice([police.publicJwk]);
    verifier = new TokenVerifier({ audience: AUDIENCE, issuers: directory, now: () => NOW });
  });

  describe('accepts', () => {
    it.each<Alg>(['ES256', 'EdDSA', 'RS256'])('a valid %s token and returns the principal', async (alg) => {
      const signer = alg === 'ES256' ? police : await newSigner(alg);
      registerPolice([signer.publicJwk]);
      const roles = ['caseworker', 'dpo', 'dpo'];
      const token = await signed(signer, claims({ jti: 'token-1', purpose: 'safeguarding', roles }));

      await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
        agencyId: 'police',
        subject: 'officer-17',
        roles: ['caseworker', 'dpo'],
        purpose: 'safeguarding',
        issuer: POLICE_ISS,
        tokenId: 'token-1',
        expiresAt: new Date((nowSeconds + 600) * 1000),
      });
    });

    it('a token expired within the clock tolerance', async () => {
      await expect(verifier.verify(await signed(police, claims({ exp: nowSeconds - 20 })))).resolves.toMatchObject({
        agencyId: 'police',
      });
    });

    it('a token without kid when several keys could match (rotation overlap)', async () => {
      const next = await newSigner('ES256');
      const strip = ({ kid: _kid, ...jwk }: JWK) => jwk;
      registerPolice([strip(police.publicJwk), strip(next.publicJwk)]);
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(next.privateKey);
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'officer-17' });
    });
  });

  describe('refuses', () => {
    it.each(['', 'garbage', 'a.b', 'a.b.c.d', 'Bearer ', 'e30.e30.sig!', `${'a'.repeat(17000)}.e30.e30`])(
      'a malformed token %#',
      async (token) => reject(token, 'malformed'),
    );

    it('a token expired beyond the tolerance, without echoing it', async () => {
      const token = await signed(police, claims({ exp: nowSeconds - 31 }));
      await reject(token, 'expired');
      const error = await verifier.verify(token).catch((caught: Error) => caught);
      expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(token.split('.')[1]);
    });

    it('a token without exp, and one without agency', async () => {
      await reject(await signed(police, claims({ exp: undefined })), 'missing-claim', 'exp');
      await reject(await signed(police, claims({ agency: undefined })), 'missing-claim', 'agency');
    });

    it('a token for another audience', async () => {
      await reject(await signed(police, claims({ aud: 'other-hub' })), 'wrong-audience');
    });

    it('a token from an unregistered issuer', async () => {
      await reject(await signed(police, claims({ iss: 'https://evil.example/' })), 'unknown-issuer');
    });

    it('a token signed by another key under the registered kid', async () => {
      const impostor = await newSigner('ES256', police.kid);
      await reject(await signed(impostor), 'bad-signature');
    });

    it('an unsigned alg:none token', async () => {
      await reject(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'algorithm-not-allowed');
    });

    it("an HS256 token keyed with the issuer's public key", async () => {
      const rsa = await newSigner('RS256');
      registerPolice([rsa.publicJwk, police.publicJwk]);
      const secrets = [JSON.stringify(police.publicJwk), await exportSPKI(rsa.publicKey)];
      for (const secret of secrets) {
        const token = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: police.kid })
          .sign(new TextEncoder().encode(secret));
        await reject(token, 'algorithm-not-allowed');
      }
    });

    it.each([
      ['jku', 'https://evil.example/jwks.json'],
      ['x5u', 'https://evil.example/cert.pem'],
      ['x5c', ['MIIB']],
      ['crit', ['exp']],
    ])('a token with a %s header', async (name, value) => {
      await reject(handSigned(police, { alg: 'ES256', kid: police.kid, [name]: value }), 'header-not-allowed');
    });

    it('a token carrying its own key in a jwk header', async () => {
      const attacker = await newSigner('ES256');
      const token = await signed(attacker, claims(), { jwk: attacker.publicJwk });
      await reject(token, 'header-not-allowed');
    });

    it('a token with an unexpected typ', async () => {
      await reject(await signed(police, claims(), { typ: 'secevent+jwt' }), 'header-not-allowed');
    });

    it.each(['../../etc/passwd', "' OR 1=1 --", 'x'.repeat(500)])('an injected kid %#: no match', async (kid) => {
      await reject(await signed(police, claims(), { kid }), 'unknown-key');
    });

    it("a token claiming an agency other than its issuer's", async () => {
      await reject(await signed(police, claims({ agency: 'housing' })), 'agency-mismatch');
    });

    it.each([[['superuser']], [[]], ['caseworker'], [['caseworker', 42]]])('roles %j', async (roles) => {
      await reject(await signed(police, claims({ roles })), 'invalid-claim', 'roles');
    });

    it('an unknown purpose', async () => {
      await reject(await signed(police, claims({ purpose: 'marketing' })), 'invalid-claim', 'purpose');
    });
  });

  describe('issuers limited to some roles (the bootstrap administrator)', () => {
    let admin: Signer;
    const adminClaims = (roles: Role[]) => claims({ iss: ADMIN_ISS, agency: 'partnership', roles });

    beforeEach(async () => {
      admin = await newSigner('EdDSA');
      const jwks = { keys: [admin.publicJwk] };
      directory.set({ issuer: ADMIN_ISS, agencyId: 'partnership', jwks, allowedRoles: ['admin'] });
    });

    it('accepts an allowed role and refuses any other', async () => {
      await expect(verifier.verify(await signed(admin, adminClaims(['admin'])))).resolves.toMatchObject({
        agencyId: 'partnership',
        roles: ['admin'],
      });
      await reject(await signed(admin, adminClaims(['admin', 'caseworker'])), 'role-not-allowed');
    });
  });

  it('follows key rotation in the directory', async () => {
    const next = await newSigner('ES256');
    const oldToken = await signed(police);
    const newToken = await signed(next);
    await expect(verifier.verify(oldToken)).resolves.toBeDefined();
    await reject(newToken, 'unknown-key');

    registerPolice([next.publicJwk]);

    await expect(verifier.verify(newToken)).resolves.toBeDefined();
    await reject(oldToken, 'unknown-key');
  });

  describe('a token verified once and presented again', () => {
    let now: Date;
    beforeEach(() => {
      now = NOW;
      verifier = new TokenVerifier({ audience: AUDIENCE, issuers: directory, now: () => now });
    });

    it('is refused once it expires beyond the tolerance', async () => {
      const token = await signed(police, claims({ exp: nowSeconds + 10 }));
      await expect(verifier.verify(token)).resolves.toBeDefined();
      now = new Date((nowSeconds + 10 + 29) * 1000);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      now = new Date((nowSeconds + 10 + 31) * 1000);
      await reject(token, 'expired');
    });

    it('is refused once its issuer is removed or allowed fewer roles', async () => {
      const token = await signed(police);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      directory.set({ issuer: POLICE_ISS, agencyId: 'police', jwks: { keys: [police.publicJwk] }, allowedRoles: ['dpo'] });
      await reject(token, 'role-not-allowed', 'roles');
      directory.issuers.clear();
      await reject(token, 'unknown-issuer');
    });

    it('is not found by a token that differs in its signature', async () => {
      const token = await signed(police);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
      await reject(tampered, 'bad-signature');
    });
  });

  it('refuses a clock tolerance above 60 seconds', () => {
    const options = { audience: AUDIENCE, issuers: directory, clockToleranceSeconds: 61 };
    expect(() => new TokenVerifier(options)).toThrow(RangeError);
  });

  describe('with a remote JWKS', () => {
    let server: Server;
    let fetches = 0;
    let jwksUri: string;

    beforeAll(async () => {
      server = createServer((_request, response) => {
        fetches += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: [police.publicJwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    beforeEach(() => {
      fetches = 0;
      directory.set({ issuer: POLICE_ISS, agencyId: 'police', jwksUri });
    });

    it('fetches once and serves a flood of unknown kids from the cooldown', async () => {
      await expect(verifier.verify(await signed(police))).resolves.toMatchObject({ agencyId: 'police' });
      expect(fetches).toBe(1);

      const attacker = await newSigner('ES256');
      for (let i = 0; i < 50; i += 1) {
        await reject(await signed(attacker, claims(), { kid: randomUUID() }), 'unknown-key');
      }

      expect(fetches).toBeLessThanOrEqual(2);
      await expect(verifier.verify(await signed(police))).resolves.toBeDefined();
    });

    it('fetches afresh when the registered URI changes', async () => {
      await verifier.verify(await signed(police));
      directory.set({ issuer: POLICE_ISS, agencyId: 'police', jwksUri: `${jwksUri}?rotated=1` });
      await verifier.verify(await signed(police));
      expect(fetches).toBe(2);
    });

    it('refuses plain http to a host other than loopback without fetching', async () => {
      directory.set({ issuer: POLICE_ISS, agencyId: 'police', jwksUri: 'http://jwks.example/keys' });
      await reject(await signed(police), 'keys-unavailable');
      expect(fetches).toBe(0);
    });
  });
});
