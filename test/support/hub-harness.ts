import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, JWK, KeyLike, SignJWT } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubRuntime } from '@onestop/application';
import type { Role } from '@onestop/domain';
import { createHttpApp } from '../../apps/hub/src/bootstrap';
import { loadConfig } from '@onestop/config';
import { DevKey, devIssuer, loadOrCreateDevKeys } from '@onestop/auth';
import { DEMO_KEY_IDS, seedDemo } from '../../apps/hub/src/demo/seed-demo';

export const AUDIENCE = 'onestop-hub';

/** A signing identity: an issuer with its own ES256 key pair. */
export class Issuer {
  private constructor(
    readonly issuer: string,
    readonly agencyId: string,
    readonly privateKey: KeyLike,
    readonly publicJwk: JWK,
  ) {}

  static async create(agencyId: string): Promise<Issuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: `${agencyId}-1`, alg: 'ES256', use: 'sig' };
    return new Issuer(`https://idp.${agencyId}.test`, agencyId, privateKey, jwk);
  }

  /** The issuer of one of the demo's dev keys (`keyId` is an agency id or `partnership-admin`). */
  static async fromDevKey(agencyId: string, keyId: string, key: DevKey): Promise<Issuer> {
    return new Issuer(devIssuer(keyId), agencyId, (await importJWK(key.privateJwk, 'ES256')) as KeyLike, key.publicJwks.keys[0]);
  }

  /** A real signed token; `claims` override the defaults. */
  async token(roles: Role[], claims: Record<string, unknown> = {}, expiresIn = '10m'): Promise<string> {
    return new SignJWT({ agency: this.agencyId, roles, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(AUDIENCE)
      .setSubject(`${this.agencyId}-user`)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.privateKey);
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A hub on a real port with a temporary data directory, as agencies would meet it. */
export class TestHub {
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    readonly runtime: HubRuntime,
    private readonly app: INestApplication,
    readonly admin: Issuer,
  ) {}

  /**
   * `demo: true` runs the hub as `npm start` does with HUB_DEMO: the demo partnership is seeded,
   * the administrator is the demo's dev key and the console's demo sign-in is on.
   * `config` sets environment variables of the hub's configuration. Rate limiting is off unless
   * `config` sets `HUB_RATE_LIMIT`: a test acts as a whole partnership through a few tokens.
   */
  static async start(options: { now?: () => Date; publisher?: boolean; dataDir?: string; demo?: boolean; config?: Record<string, string> } = {}): Promise<TestHub> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'onestop-e2e-'));
    const config = loadConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HUB_RATE_LIMIT: '0', ...options.config });
    const runtime = await HubRuntime.open({ dataDir, store: 'sqlite', now: options.now, source: 'urn:onestop:test-hub' });
    const devKeys = options.demo ? await loadOrCreateDevKeys(dataDir, DEMO_KEY_IDS) : undefined;
    if (devKeys) await seedDemo(runtime, devKeys);
    const admin = devKeys ? await Issuer.fromDevKey('partnership', 'partnership-admin', devKeys.get('partnership-admin')!) : await Issuer.create('partnership');
    if (options.publisher !== false) runtime.startPublisher({ feed: true });
    const app = await createHttpApp({
      runtime,
      config,
      admin: { issuer: admin.issuer, agencyId: 'partnership', jwks: { keys: [admin.publicJwk] }, allowedRoles: ['admin'] },
      logger: false,
      ...(devKeys ? { demo: { keys: devKeys } } : {}),
    });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    return new TestHub(`http://127.0.0.1:${port}`, dataDir, runtime, app, admin);
  }

  async request<T = any>(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Registers an agency (as the partnership administrator) and returns its issuer. */
  async registerAgency(agencyId: string, kind: string, extra: Record<string, unknown> = {}): Promise<Issuer> {
    const issuer = await Issuer.create(agencyId);
    const token = await this.admin.token(['admin']);
    const res = await this.request('PUT', `/v1/agencies/${agencyId}`, token, {
      name: `${agencyId} agency`,
      kind,
      issuer: issuer.issuer,
      jwks: { keys: [issuer.publicJwk] },
      ...extra,
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`registering ${agencyId} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return issuer;
  }

  async publishAgreement(agreementId: string, body: Record<string, unknown>): Promise<ApiResponse> {
    return this.request('PUT', `/v1/agreements/${agreementId}`, await this.admin.token(['admin']), body);
  }

  /** Waits until the publisher has delivered everything stored so far. */
  async published(): Promise<void> {
    const [last] = await this.runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
    if (last && this.runtime.publisher) await this.runtime.publisher.waitFor(last.position, 10_000);
  }

  async close(options: { keepData?: boolean } = {}): Promise<void> {
    await this.app.close();
    await this.runtime.close();
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
