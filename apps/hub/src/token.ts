import { parseArgs } from 'node:util';
import { devIssuer, loadOrCreateDevKeys, mintDevToken } from '@onestop/auth';
import { isOneOf, PURPOSES, Role, ROLES } from '@onestop/domain';
import { loadConfig } from '@onestop/config';
import { DEMO_KEY_IDS } from './demo/seed-demo';

/** `npm run token -- --agency <id> --role <role> [--purpose <purpose>] [--sub <user>] [--ttl <seconds>]`: a demo token. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { agency: { type: 'string' }, role: { type: 'string', multiple: true }, purpose: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } },
  });
  const config = loadConfig(process.env);
  const agency = values.agency ?? '';
  const roles = values.role ?? [];
  const keyId = agency === 'partnership' ? 'partnership-admin' : agency;
  if (!DEMO_KEY_IDS.includes(keyId)) throw new Error(`--agency must be one of: partnership, ${DEMO_KEY_IDS.filter((k) => k !== 'partnership-admin').join(', ')}`);
  if (roles.length === 0 || !roles.every((r) => isOneOf(ROLES, r))) throw new Error(`--role must be one of: ${ROLES.join(', ')}`);
  if (values.purpose !== undefined && !isOneOf(PURPOSES, values.purpose)) throw new Error(`--purpose must be one of: ${PURPOSES.join(', ')}`);
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
    ttlSeconds: values.ttl ? Number(values.ttl) : 3600,
  });
  process.stdout.write(token + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
