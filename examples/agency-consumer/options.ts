import { parseArgs } from 'node:util';

/** How the reference consumer is run (command-line flags; the hub token from the environment). */
export interface ConsumerOptions {
  agency: string;
  /** The hub's base URL, for its JWKS and for acknowledging retractions. */
  hub: URL;
  brokers: string[];
  prefix: string;
  /** Consumer group; with `state` it keeps the position across runs. */
  group: string;
  /** JSON file keeping what is held (and so the position); in memory only when absent. */
  state?: string;
  /** Exit once everything on the topics at start has been read. */
  once: boolean;
  json: boolean;
  quiet: boolean;
  /** `--once` gives up after this long. */
  timeoutMs: number;
  /** A bearer token of the agency's system user (`ONESTOP_TOKEN`): retractions are acknowledged with it. */
  token?: string;
}

export const USAGE = `Usage: node dist/examples/agency-consumer/consumer.js --agency <id> --hub <url> --brokers <host:port,...>
  [--prefix onestop] [--group <agency>-reference-consumer] [--state holdings.json]
  [--once] [--timeout 60] [--json] [--quiet]
Environment: ONESTOP_TOKEN  a token of the agency's system user, to acknowledge applied retractions (optional)`;

/** Parses argv; throws an Error naming each problem. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): ConsumerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      agency: { type: 'string' },
      hub: { type: 'string' },
      brokers: { type: 'string' },
      prefix: { type: 'string', default: 'onestop' },
      group: { type: 'string' },
      state: { type: 'string' },
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '60' },
    },
  });
  const problems: string[] = [];
  const name = /^[a-zA-Z0-9._-]+$/;
  if (!values.agency || !name.test(values.agency)) problems.push('--agency is required: your agency id, as registered with the hub');
  if (!name.test(values.prefix!)) problems.push('--prefix may use only letters, digits, . _ and -');
  let hub: URL | undefined;
  try {
    hub = new URL(values.hub ?? '');
  } catch {
    problems.push('--hub is required: the hub base URL, for example http://127.0.0.1:3000');
  }
  const brokers = (values.brokers ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^\s:]+:\d+$/.test(b))) problems.push('--brokers is required: comma-separated host:port');
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) problems.push('--timeout must be a number of seconds');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return {
    agency: values.agency!,
    hub: hub!,
    brokers,
    prefix: values.prefix!,
    group: values.group ?? `${values.agency}-reference-consumer`,
    state: values.state,
    once: values.once!,
    json: values.json!,
    quiet: values.quiet!,
    timeoutMs: timeout * 1000,
    token: env.ONESTOP_TOKEN || undefined,
  };
}
