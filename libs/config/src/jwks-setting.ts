import { existsSync, readFileSync } from 'node:fs';
import { publicJwkProblem } from '@onestop/auth';

/** A JSON Web Key Set of public keys. */
export interface PublicJwks {
  keys: Array<Record<string, unknown>>;
}

/**
 * Reads a JWKS setting: the set as JSON, or the path of a file holding it. Throws an `Error`
 * naming the setting (`name`) when it is neither, is not a set with at least one key, or holds a
 * key that is not a usable public one.
 */
export function readJwksSetting(name: string, value: string): PublicJwks {
  const text = value.trim().startsWith('{') ? value : existsSync(value) ? readFileSync(value, 'utf8') : undefined;
  if (text === undefined) throw new Error(`${name} is neither JSON nor a readable file`);
  let jwks: { keys?: unknown };
  try {
    jwks = JSON.parse(text) as { keys?: unknown };
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${name} must be a JWKS with at least one key`);
  jwks.keys.forEach((key, i) => {
    const problem = publicJwkProblem(key);
    if (problem) throw new Error(`${name}: keys[${i}] ${problem}`);
  });
  return jwks as PublicJwks;
}
