import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devIssuer, loadOrCreateDevKeys, mintDevToken } from './dev-keys';
import { TokenVerifier } from './token-verifier';
import { staticIssuerDirectory } from './trusted-issuer';

describe('dev keys', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onestop-dev-keys-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('persists one key per id and reloads the same keys on the next start', async () => {
    const first = await loadOrCreateDevKeys(dir, ['police', 'partnership-admin']);
    const second = await loadOrCreateDevKeys(dir, ['police', 'partnership-admin']);

    expect(first.get('police')?.kid).not.toEqual(first.get('partnership-admin')?.kid);
    expect(second.get('police')).toEqual(first.get('police'));
    expect(second.get('partnership-admin')).toEqual(first.get('partnership-admin'));
    expect(first.get('police')?.publicJwks.keys[0]).not.toHaveProperty('d');
  });

  it('settles on one key when two processes start at once', async () => {
    const [a, b] = await Promise.all([loadOrCreateDevKeys(dir, ['police']), loadOrCreateDevKeys(dir, ['police'])]);
    expect(a.get('police')).toEqual(b.get('police'));
    expect((await loadOrCreateDevKeys(dir, ['police'])).get('police')).toEqual(a.get('police'));
  });

  it('keeps private keys readable by the owner only', async () => {
    await loadOrCreateDevKeys(dir, ['housing']);

    expect((await stat(join(dir, 'dev-keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'dev-keys', 'housing.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, 'dev-keys', 'housing.json'), 'utf8'))).toHaveProperty('privateJwk.d');
  });

  it('refuses ids that are not slugs', async () => {
    await expect(loadOrCreateDevKeys(dir, ['../escape'])).rejects.toThrow(RangeError);
  });

  it('mints tokens that the TokenVerifier accepts for the dev issuer', async () => {
    const key = (await loadOrCreateDevKeys(dir, ['police'])).get('police')!;
    const verifier = new TokenVerifier({
      audience: 'onestop-hub',
      issuers: staticIssuerDirectory([{ issuer: devIssuer('police'), agencyId: 'police', jwks: key.publicJwks }]),
    });
    const token = await mintDevToken({
      privateJwk: key.privateJwk,
      kid: key.kid,
      issuer: devIssuer('police'),
      audience: 'onestop-hub',
      agencyId: 'police',
      subject: 'demo-caseworker',
      roles: ['caseworker'],
      purpose: 'direct-support',
    });

    const principal = await verifier.verify(token);

    expect(principal).toMatchObject({
      agencyId: 'police',
      subject: 'demo-caseworker',
      roles: ['caseworker'],
      purpose: 'direct-support',
      issuer: 'urn:onestop:dev:police',
    });
    expect(principal.expiresAt.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(principal.tokenId).toEqual(expect.any(String));
  });

  it('refuses a lifetime above twelve hours', async () => {
    const key = (await loadOrCreateDevKeys(dir, ['police'])).get('police')!;
    const request = { ...key, issuer: devIssuer('police'), audience: 'a', agencyId: 'police', subject: 's', roles: [] };
    await expect(mintDevToken({ ...request, ttlSeconds: 12 * 3600 + 1 })).rejects.toThrow(RangeError);
  });
});
