/** Plain words for the hub's vocabulary and times, in British English. */

const CATEGORY_LABELS = {
  identity: 'Identity',
  contact: 'Contact details',
  accommodation: 'Accommodation',
  'substance-use': 'Substance use',
  'mental-health': 'Mental health',
  'physical-health': 'Physical health',
  finances: 'Money and benefits',
  offending: 'Offending',
  safeguarding: 'Safeguarding',
  'support-plan': 'Support plan',
  referral: 'Referrals',
};

/** Special-category (Art 9) and criminal-offence (Art 10) data, named beside the label. */
const SENSITIVITY = {
  'substance-use': 'special category',
  'mental-health': 'special category',
  'physical-health': 'special category',
  offending: 'criminal offence data',
};

export const CATEGORIES = Object.keys(CATEGORY_LABELS);
export const NEED_CATEGORIES = ['accommodation', 'substance-use', 'mental-health', 'physical-health', 'finances', 'offending', 'safeguarding'];
export const NEED_LEVELS = ['none', 'low', 'medium', 'high', 'crisis'];
export const PURPOSES = ['direct-support', 'referral', 'safeguarding', 'crime-prevention', 'service-planning'];
export const CONSENT_METHODS = ['verbal', 'written', 'digital'];
export const URGENCIES = ['immediate', 'same-day', 'routine'];

export const categoryLabel = (c) => CATEGORY_LABELS[c] ?? words(c);
export const sensitivityOf = (c) => SENSITIVITY[c];
export const roleLabel = (r) => ({ caseworker: 'Caseworker', dpo: 'Data-protection officer', admin: 'Partnership administrator', system: 'System' })[r] ?? words(r);

/** `direct-support` → `Direct support`; `agencyId` → `Agency id`. */
export function words(value) {
  const s = String(value ?? '')
    .replace(/([a-z])([A-Z])/g, (_, a, b) => `${a} ${b.toLowerCase()}`)
    .replace(/[-_]/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

const valid = (iso) => iso && !Number.isNaN(Date.parse(iso));
export const dateTime = (iso) => (valid(iso) ? DATE_TIME.format(new Date(iso)) : '—');
export const date = (iso) => (valid(iso) ? DATE.format(new Date(iso)) : '—');
export const time = (iso) => (valid(iso) ? TIME.format(new Date(iso)) : '—');

/** `754` seconds → `12 min 34 s`; hours and days when longer. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const hrs = Math.floor((total % 86400) / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} d ${hrs} h ${min} min`;
  if (hrs > 0) return `${hrs} h ${String(min).padStart(2, '0')} min`;
  return `${min} min ${String(s).padStart(2, '0')} s`;
}

/** A list as `a, b and c`. */
export function listOf(items) {
  const xs = items.map(String);
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
