/**
 * Every page of the console: its hash path, who may open it, its place in the navigation and
 * the module that draws it. Pages are loaded only when opened.
 */
const CW = ['caseworker'];
const DPO = ['dpo'];
const PEOPLE = ['caseworker', 'dpo'];

export const ROUTES = [
  { path: '/sign-in', public: true, load: () => import('./pages/sign-in.js') },
  { path: '/', load: () => import('./pages/home.js') },
  { path: '/people', roles: PEOPLE, nav: 'Find a person', load: () => import('./pages/people-search.js') },
  { path: '/people/new', roles: CW, nav: 'Register a person', load: () => import('./pages/register-person.js') },
  { path: '/people/:id', roles: PEOPLE, load: () => import('./pages/person.js') },
  { path: '/people/:id/consent', roles: CW, load: () => import('./pages/consent-form.js') },
  { path: '/people/:id/assessment', roles: CW, load: () => import('./pages/assessment-form.js') },
  { path: '/people/:id/check-in', roles: CW, load: () => import('./pages/check-in-form.js') },
  { path: '/people/:id/referral', roles: CW, load: () => import('./pages/referral-form.js') },
  { path: '/referrals', roles: CW, nav: 'Referral board', load: () => import('./pages/referral-board.js') },
  { path: '/audit', roles: DPO, nav: 'Audit records', load: () => import('./pages/audit-records.js') },
  { path: '/audit/explain', roles: DPO, nav: 'Explain access', load: () => import('./pages/audit-explain.js') },
  { path: '/audit/verify', roles: DPO, nav: 'Verify the log', load: () => import('./pages/audit-verify.js') },
  { path: '/audit/subject-access', roles: DPO, nav: 'Subject access', load: () => import('./pages/subject-access.js') },
  { path: '/audit/retractions', roles: DPO, nav: 'Retractions', load: () => import('./pages/retractions.js') },
  { path: '/audit/break-glass', roles: DPO, nav: 'Break-glass reviews', load: () => import('./pages/break-glass.js') },
  { path: '/admin/agencies', roles: ['admin', 'dpo'], nav: 'Agencies', load: () => import('./pages/agencies.js') },
  { path: '/admin/agreements', roles: ['admin', 'dpo', 'caseworker'], nav: 'Agreements', load: () => import('./pages/agreements.js') },
];

/** The route and its parameters for a hash such as `#/people/123?x=1`. */
export function match(hash) {
  const [rawPath, rawQuery = ''] = hash.replace(/^#/, '').split('?');
  const path = rawPath || '/';
  const query = Object.fromEntries(new URLSearchParams(rawQuery));
  for (const route of ROUTES) {
    const names = [];
    const pattern = new RegExp(`^${route.path.replace(/:[a-z]+/g, (m) => (names.push(m.slice(1)), '([^/]+)'))}$`);
    const m = pattern.exec(path);
    if (m) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return { route, params, query, path };
    }
  }
  return { route: undefined, params: {}, query, path };
}

/** The routes a viewer with these roles sees in the navigation. */
export const navFor = (roles) => ROUTES.filter((r) => r.nav && r.roles.some((x) => roles.includes(x)));
