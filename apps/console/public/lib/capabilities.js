import { h, notice } from './dom.js';

/**
 * API capabilities the console uses that may not exist on every hub yet. Each is found in the
 * hub's OpenAPI document (a public, side-effect-free probe); a call that still answers
 * `404 route.not-found` is treated as not available too. Pages light up as the APIs land.
 */
export const CAPABILITIES = {
  auditRecords: { name: 'the audit explorer', method: 'get', path: '/v1/audit/records' },
  auditExplain: { name: 'explaining why an agency could see a person\'s data', method: 'get', path: '/v1/audit/explain' },
  auditVerify: { name: 'verifying the audit log', method: 'get', path: '/v1/audit/verify' },
  subjectAccess: { name: 'subject access exports', method: 'get', path: '/v1/people/{}/subject-access' },
  retractions: { name: 'the list of outstanding retractions', method: 'get', match: /^\/v1\/(audit\/)?retractions(\/outstanding)?$/ },
  breakGlass: { name: 'the break-glass review queue', method: 'get', match: /^\/v1\/(audit\/)?break-glass(\/(reviews|queue|pending))?$/ },
};

const normalise = (path) => path.replace(/\{[^}]+\}/g, '{}');

/**
 * Whether the hub offers a capability: `{ available: true, path }`, `{ available: false }`,
 * or `{ available: undefined }` when the hub publishes no API description (then try it).
 */
export async function probe(key) {
  const cap = CAPABILITIES[key];
  let doc;
  try {
    const res = await fetch('/docs/openapi.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return { available: undefined, path: cap.path };
    doc = await res.json();
  } catch {
    return { available: undefined, path: cap.path };
  }
  const paths = Object.entries(doc.paths ?? {}).filter(([, ops]) => ops && cap.method in ops);
  const found = paths.map(([p]) => p).find((p) => (cap.match ? cap.match.test(p) : normalise(p) === cap.path));
  return found ? { available: true, path: found } : { available: false, path: cap.path };
}

/** The plain message a page shows while the hub lacks a capability. */
export function notAvailableYet(key) {
  const cap = CAPABILITIES[key];
  const call = cap.path ? `${cap.method.toUpperCase()} ${cap.path.replace('{}', '{personId}')}` : 'its API';
  return notice(
    'info',
    h('h2', { class: 'notice__title' }, 'Not available yet'),
    h('p', {}, `This hub does not offer ${cap.name} yet (${call}). This page will work as soon as the hub does; nothing else is needed.`),
  );
}
