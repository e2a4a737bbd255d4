import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './hub-config';

const keyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = keyPair.publicKey.export({ format: 'jwk' });
const privateJwk = keyPair.privateKey.export({ format: 'jwk' });

/** The ConfigError thrown for an environment, or a failure when none is thrown. */
function errorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('the hub configuration', () => {
  describe('given an empty environment', () => {
    it('uses the documented defaults: embedded SQLite store, HTTP feed, no demo', () => {
      expect(loadConfig({})).toMatchObject({
        PORT: 3000,
        HUB_DATA_DIR: './data',
        HUB_DEMO: false,
        HUB_AUDIENCE: 'onestop-hub',
        HUB_STORE: 'sqlite',
        HUB_DELIVERY: ['feed'],
        KAFKA_TOPIC_PREFIX: 'onestop',
        HUB_PUBLISHER: true,
        HUB_HOST: '127.0.0.1',
      });
    });

    it('has no bootstrap administrator unless one is configured', () => {
      const config = loadConfig({});
      expect(config.HUB_ADMIN_ISSUER).toBeUndefined();
      expect(config.HUB_ADMIN_JWKS).toBeUndefined();
    });

    it('takes the caller\'s defaults (npm start turns the demo on) and lets the environment override them', () => {
      expect(loadConfig({}, { HUB_DEMO: true }).HUB_DEMO).toBe(true);
      expect(loadConfig({ HUB_DEMO: 'false' }, { HUB_DEMO: true }).HUB_DEMO).toBe(false);
    });

    it('treats an empty variable as unset', () => {
      expect(loadConfig({ PORT: '', HUB_STORE: '' })).toMatchObject({ PORT: 3000, HUB_STORE: 'sqlite' });
    });
  });

  describe('given good values', () => {
    it('reads numbers, switches and lists from their text', () => {
      const config = loadConfig({
        PORT: '8080',
        HUB_DEMO: 'yes',
        HUB_PUBLISHER: 'off',
        HUB_DELIVERY: 'feed, kafka',
        KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
        KAFKA_TOPIC_PREFIX: 'wrexham.osp',
      });
      expect(config).toMatchObject({
        PORT: 8080,
        HUB_DEMO: true,
        HUB_PUBLISHER: false,
        HUB_DELIVERY: ['feed', 'kafka'],
        KAFKA_BROKERS: ['kafka-1:9092', 'kafka-2:9092'],
        KAFKA_TOPIC_PREFIX: 'wrexham.osp',
      });
    });

    it('accepts EventStoreDB with an esdb:// connection string', () => {
      const config = loadConfig({ HUB_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' });
      expect(config).toMatchObject({ HUB_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' });
    });

    it('accepts a bootstrap administrator given as issuer and JWKS together', () => {
      const jwks = JSON.stringify({ keys: [publicJwk] });
      expect(loadConfig({ HUB_ADMIN_ISSUER: 'https://idp.partnership.example', HUB_ADMIN_JWKS: jwks })).toMatchObject({
        HUB_ADMIN_ISSUER: 'https://idp.partnership.example',
        HUB_ADMIN_JWKS: jwks,
      });
      const dir = mkdtempSync(join(tmpdir(), 'onestop-config-'));
      try {
        writeFileSync(join(dir, 'admin.jwks.json'), jwks);
        expect(loadConfig({ HUB_ADMIN_ISSUER: 'https://idp.partnership.example', HUB_ADMIN_JWKS: join(dir, 'admin.jwks.json') }).HUB_ADMIN_JWKS).toBe(join(dir, 'admin.jwks.json'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('ignores variables that are not its own', () => {
      expect(loadConfig({ HOME: '/root', NODE_ENV: 'test' })).not.toHaveProperty('HOME');
    });
  });

  describe('given a bad value, it refuses to start with a message naming the variable', () => {
    it.each<[string, NodeJS.ProcessEnv, string]>([
      ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
      ['a port out of range', { PORT: '70000' }, 'PORT'],
      ['an unknown store', { HUB_STORE: 'mysql' }, 'HUB_STORE'],
      ['EventStoreDB without a connection string', { HUB_STORE: 'eventstoredb' }, 'ESDB_CONNECTION_STRING'],
      ['EventStoreDB with a connection string of another scheme', { HUB_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'postgres://db' }, 'ESDB_CONNECTION_STRING'],
      ['Kafka delivery without brokers', { HUB_DELIVERY: 'kafka' }, 'KAFKA_BROKERS'],
      ['Kafka delivery with a broker lacking its port', { HUB_DELIVERY: 'feed,kafka', KAFKA_BROKERS: 'kafka-1' }, 'KAFKA_BROKERS'],
      ['an unknown delivery', { HUB_DELIVERY: 'smoke' }, 'HUB_DELIVERY'],
      ['a topic prefix with spaces', { KAFKA_TOPIC_PREFIX: 'one stop' }, 'KAFKA_TOPIC_PREFIX'],
      ['an administrator issuer without keys', { HUB_ADMIN_ISSUER: 'https://idp.partnership.example' }, 'HUB_ADMIN_JWKS'],
      ['administrator keys without an issuer', { HUB_ADMIN_JWKS: '{"keys":[]}' }, 'HUB_ADMIN_ISSUER'],
      ['a demo switch that is neither true nor false', { HUB_DEMO: 'maybe' }, 'HUB_DEMO'],
      ['a publisher switch that is neither true nor false', { HUB_PUBLISHER: 'sometimes' }, 'HUB_PUBLISHER'],
      ['an audience with spaces', { HUB_AUDIENCE: 'onestop hub' }, 'HUB_AUDIENCE'],
      ['a publisher heap limit too small to run in', { HUB_PUBLISHER_HEAP_MB: '64' }, 'HUB_PUBLISHER_HEAP_MB'],
      ['a publisher heap limit that is not a number of megabytes', { HUB_PUBLISHER_HEAP_MB: '1g' }, 'HUB_PUBLISHER_HEAP_MB'],
    ])('%s', (_, env, variable) => {
      expect(errorFor(env).message).toContain(variable);
    });

    it.each<[string, string, string]>([
      ['a private key', JSON.stringify({ keys: [privateJwk] }), 'HUB_ADMIN_JWKS: keys[0] must be a public key (no private or symmetric parts)'],
      ['a symmetric key', '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}', 'HUB_ADMIN_JWKS: keys[0] must be a public key (no private or symmetric parts)'],
      ['a key of no known type', '{"keys":[{"kty":"foo"}]}', 'HUB_ADMIN_JWKS: keys[0] must be a public EC, OKP or RSA key in JWK form'],
      ['JSON that does not parse', '{bad', 'HUB_ADMIN_JWKS is not valid JSON'],
      ['an empty key set', '{"keys":[]}', 'HUB_ADMIN_JWKS must be a JWKS with at least one key'],
      ['neither JSON nor a file', 'no-such-file.json', 'HUB_ADMIN_JWKS is neither JSON nor a readable file'],
    ])('refuses administrator keys that are %s, naming HUB_ADMIN_JWKS', (_, jwks, message) => {
      expect(errorFor({ HUB_ADMIN_ISSUER: 'https://idp.partnership.example', HUB_ADMIN_JWKS: jwks }).message).toBe(`invalid configuration: ${message}`);
    });

    it.each<[string, string]>([
      ['abc', 'PORT must be a whole number'],
      ['-1', 'PORT must be a whole number'],
      ['3.5', 'PORT must be a whole number'],
    ])('says PORT=%s is not a whole number, before any range', (port, message) => {
      expect(errorFor({ PORT: port }).message).toBe(`invalid configuration: ${message}`);
    });

    it('names every bad variable at once, not only the first', () => {
      const message = errorFor({ PORT: 'abc', HUB_STORE: 'mysql', HUB_DEMO: 'maybe' }).message;
      expect(message).toContain('PORT');
      expect(message).toContain('HUB_STORE');
      expect(message).toContain('HUB_DEMO');
    });

    it('does not name variables that were fine', () => {
      expect(errorFor({ PORT: 'abc', HUB_STORE: 'sqlite' }).message).not.toContain('HUB_STORE');
    });
  });
});
