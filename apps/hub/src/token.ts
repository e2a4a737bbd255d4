import { parseArgs } from 'node:util';
import { devIssuer, loadOrCreateDevKeys, mintDevToken } from '@onestop/auth';
import { isOneOf, PURPOSES, Role, ROLES } from '@onestop/domain';
import { loadConfig } from '@onestop/config';
import { DEMO_KEY_IDS } from './demo/seed-demo';

const USAGE = `Mints a token of the demo partnership (the hub's dev keys in HUB_DATA_DIR, default ./data).

Usage: npm run token -- --agency <id> --role <role> [--role <role>] [--purpose <purpose>] [--sub <user>] [--ttl <seconds>]

  --agency   partnership (the administrator) or a demo agency: ${DEMO_KEY_IDS.filter((k) => k !== 'partnership-admin').join(', ')}
  --role     ${ROLES.join(', ')} (repeat for more than one)
  --purpose  ${PURPOSES.join(', ')} (default: direct-support)
  --sub      the user the token names (default: <agency>-<role>)
  --ttl      lifetime in seconds, 1 to 86400 (default: 3600)
`;

/** `npm run token -- --agency <id> --role <role> [--purpose <purpose>] [--sub <user>] [--ttl <seconds>]`: a demo token. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { agency: { type: 'string' }, role: { type: 'string', multiple: true }, purpose: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig(process.env);
  const agency = values.agency ?? '';
  const roles = values.role ?? [];
  const keyId = agency === 'partnership' ? 'partnership-admin' : agency;
  if (!DEMO_KEY_IDS.includes(keyId)) throw new Error(`--agency must be one of: partnership, ${DEMO_KEY_IDS.filter((k) => k !== 'partnership-admin').join(', ')}`);
  if (roles.length === 0 || !roles.every((r) => isOneOf(ROLES, r))) throw new Error(`--role must be one of: ${ROLES.join(', ')}`);
  if (values.purpose !== undefined && !isOneOf(PURPOSES, values.purpose)) throw new Error(`--purpose must be one of: ${PURPOSES.join(', ')}`);
  const ttl = values.ttl === undefined ? 3600 : /^\d+$/.test(values.ttl) ? Number(values.ttl) : NaN;
  if (!(ttl >= 1 && ttl <= 86_400)) throw new Error('--ttl must be a whole number of seconds from 1 to 86400');
  const keys = await loadOrCreateDevKeys(config.HUB_DATA_DIR, DEMO_KEY_IDS);
  const key = keys.get(keyId)!;
  const token = await mintDevToken({
    privateJwk: key.privateJwk,
    kid: key.kid,
    issuer: devIssuer(keyId),
    audience: config.HUB_AUDIENCE,
    agencyId: agency,
    subject: values.sub ?? `${agency}-${roles[0]}`,
    roles: roles as Role[],
    ...(values.purpose ? { purpose: values.purpose as (typeof PURPOSES)[number] } : {}),
    ttlSeconds: ttl,
  });
  process.stdout.write(token + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error('(npm run token -- --help for the usage)');
  process.exit(2);
});
