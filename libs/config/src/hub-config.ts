import { plainToInstance, Transform } from 'class-transformer';
import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min, validateSync, ValidateIf } from 'class-validator';
import { readJwksSetting } from './jwks-setting';

const bool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase()) ? true : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase()) ? false : value;
const int = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^\d+$/.test(String(value)) ? Number(value) : value);
const list = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : String(value).split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The hub's configuration, read from the environment once at start and validated here; a bad
 * value stops the process with one line naming it. Names are the contract in PRODUCT.md.
 */
export class HubConfig {
  @Transform(int) @IsInt({ message: 'PORT must be a whole number' }) @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @Matches(/\S/, { message: 'HUB_DATA_DIR must not be empty' })
  HUB_DATA_DIR = './data';

  @Transform(bool) @IsBoolean({ message: 'HUB_DEMO must be true or false' })
  HUB_DEMO = false;

  @IsString() @Matches(/^\S+$/, { message: 'HUB_AUDIENCE must be a non-empty string without spaces' })
  HUB_AUDIENCE = 'onestop-hub';

  @IsOptional() @IsString()
  HUB_ADMIN_ISSUER?: string;

  /** A JWKS as JSON, or the path of a file holding one. */
  @IsOptional() @IsString()
  HUB_ADMIN_JWKS?: string;

  @IsIn(['sqlite', 'eventstoredb'], { message: 'HUB_STORE must be sqlite or eventstoredb' })
  HUB_STORE: 'sqlite' | 'eventstoredb' = 'sqlite';

  @ValidateIf((c: HubConfig) => c.HUB_STORE === 'eventstoredb')
  @Matches(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//, {
    message: 'ESDB_CONNECTION_STRING must be an esdb:// connection string when HUB_STORE=eventstoredb',
  })
  ESDB_CONNECTION_STRING?: string;

  /** `feed`, `kafka`, or both (comma-separated). */
  @Transform(list)
  @ArrayMinSize(1, { message: 'HUB_DELIVERY must be feed, kafka, or feed,kafka' })
  @IsIn(['feed', 'kafka'], { each: true, message: 'HUB_DELIVERY must be feed, kafka, or feed,kafka' })
  HUB_DELIVERY: Array<'feed' | 'kafka'> = ['feed'];

  @ValidateIf((c: HubConfig) => c.HUB_DELIVERY.includes('kafka'))
  @Transform(list)
  @Matches(/^[A-Za-z0-9.-]+:\d+$/, { each: true, message: 'KAFKA_BROKERS must be host:port[,host:port] when HUB_DELIVERY includes kafka' })
  KAFKA_BROKERS?: string[];

  @Matches(/^[a-z0-9][a-z0-9._-]{0,48}$/, { message: 'KAFKA_TOPIC_PREFIX must be lower-case letters, digits, . _ -' })
  KAFKA_TOPIC_PREFIX = 'onestop';

  /** Run the publisher inside the hub process (the embedded default); off when it runs as its own app. */
  @Transform(bool) @IsBoolean({ message: 'HUB_PUBLISHER must be true or false' })
  HUB_PUBLISHER = true;

  /**
   * Run the in-process publisher on a thread of its own (a second core for deciding, signing and
   * delivering) rather than on the API's event loop. Still one process.
   */
  @Transform(bool) @IsBoolean({ message: 'HUB_PUBLISHER_THREAD must be true or false' })
  HUB_PUBLISHER_THREAD = true;

  /**
   * The publisher thread's V8 heap limit (old generation, MB). Besides capping the thread, a limit
   * under 2 GB makes V8 grow the heap by at most 2× the live data between full collections
   * instead of 4×: the publisher promotes a batch's messages into the old generation every page,
   * and without a limit its heap reached three times what it held (see docs/memory.md).
   */
  @Transform(int) @IsInt({ message: 'HUB_PUBLISHER_HEAP_MB must be a whole number of megabytes' }) @Min(128) @Max(16384)
  HUB_PUBLISHER_HEAP_MB = 1024;

  /** The publisher's lease (and journal) name; publishers sharing a name are one active instance. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'HUB_PUBLISHER_LEASE must be a slug' })
  HUB_PUBLISHER_LEASE = 'publisher';

  /** The agencies this publisher serves (comma-separated ids); empty for all. Partitions work across publishers. */
  @Transform(list)
  @Matches(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/, { each: true, message: 'HUB_PUBLISHER_AGENCIES must be agency ids separated by commas' })
  HUB_PUBLISHER_AGENCIES: string[] = [];

  /** How long a publisher's lease lasts without renewal, in milliseconds. */
  @Transform(int) @IsInt({ message: 'HUB_PUBLISHER_LEASE_MS must be a whole number of milliseconds' }) @Min(1000) @Max(300000)
  HUB_PUBLISHER_LEASE_MS = 15000;

  /**
   * Bank holidays (`YYYY-MM-DD`, comma-separated) that working-day referral deadlines skip
   * besides weekends; for England and Wales, the GOV.UK list for the years ahead.
   */
  @Transform(list)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'HUB_BANK_HOLIDAYS must be dates YYYY-MM-DD separated by commas' })
  @IsISO8601({ strict: true }, { each: true, message: 'HUB_BANK_HOLIDAYS must be dates YYYY-MM-DD separated by commas' })
  HUB_BANK_HOLIDAYS: string[] = [];

  /** Start the HTTP server on loopback only unless told otherwise. */
  @IsString()
  HUB_HOST = '127.0.0.1';

  /**
   * Requests per second each caller may make, sustained: per token subject (`iss`, `sub`) once
   * authenticated, per client address otherwise; beyond it the hub answers 429 with Retry-After.
   * `0` turns the limit off (benchmarks and load tests do).
   */
  @Transform(int) @IsInt({ message: 'HUB_RATE_LIMIT must be a whole number of requests per second (0: no limit)' }) @Min(0) @Max(1_000_000)
  HUB_RATE_LIMIT = 50;

  /** How many requests a caller may make at once before the rate applies; default twice HUB_RATE_LIMIT. */
  @IsOptional() @Transform(int) @IsInt({ message: 'HUB_RATE_LIMIT_BURST must be a whole number of requests' }) @Min(1) @Max(10_000_000)
  HUB_RATE_LIMIT_BURST?: number;
}

/** A configuration value was bad; the message names it. */
export class ConfigError extends Error {}

/** Reads and validates the configuration from an environment; throws `ConfigError` listing each bad value. */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: Partial<HubConfig> = {}): HubConfig {
  const known = Object.keys(new HubConfig());
  const raw = Object.fromEntries(
    [...known, 'HUB_ADMIN_ISSUER', 'HUB_ADMIN_JWKS', 'ESDB_CONNECTION_STRING', 'KAFKA_BROKERS', 'HUB_RATE_LIMIT_BURST']
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const config = plainToInstance(HubConfig, { ...defaults, ...raw });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    // One line a setting: that it is not a whole number (or a boolean) before any range it misses.
    const lines = errors.flatMap((e) => {
      const c = e.constraints ?? {};
      return [c.isInt ?? c.isBoolean ?? Object.values(c)[0]].filter(Boolean);
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  if ((config.HUB_ADMIN_ISSUER === undefined) !== (config.HUB_ADMIN_JWKS === undefined)) {
    throw new ConfigError('invalid configuration: HUB_ADMIN_ISSUER and HUB_ADMIN_JWKS must be set together');
  }
  if (config.HUB_ADMIN_JWKS !== undefined) {
    try {
      readJwksSetting('HUB_ADMIN_JWKS', config.HUB_ADMIN_JWKS);
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
    }
  }
  return config;
}
