/**
 * The signed-in viewer. The token lives only in this tab's sessionStorage: closing the tab
 * signs out, and nothing is written to localStorage or cookies.
 */
const TOKEN = 'onestop.console.token';
const LABEL = 'onestop.console.agencyName';

/** The claims of a JWT, read without verifying it (the hub verifies it on every call). */
export function claimsOf(token) {
  const part = String(token).split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return claims && typeof claims === 'object' ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The current viewer `{ token, agencyId, agencyName, roles, purpose, expiresAt }`, or undefined. */
export function currentViewer() {
  const token = sessionStorage.getItem(TOKEN);
  const claims = token ? claimsOf(token) : undefined;
  if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
    if (token) signOut();
    return undefined;
  }
  return {
    token,
    agencyId: String(claims.agency ?? ''),
    agencyName: sessionStorage.getItem(LABEL) || String(claims.agency ?? ''),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    purpose: typeof claims.purpose === 'string' ? claims.purpose : undefined,
    subject: String(claims.sub ?? ''),
    expiresAt: new Date(claims.exp * 1000),
  };
}

export function signIn(token, agencyName) {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(LABEL, agencyName);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(LABEL);
}

export const hasRole = (viewer, role) => Boolean(viewer?.roles.includes(role));
