import { ApiError, api, get } from '../lib/api.js';
import { h, notice, valueOf } from '../lib/dom.js';
import { FormErrors, onSubmit, selectField, submitButton, textArea } from '../lib/forms.js';
import { PURPOSES, roleLabel, words } from '../lib/format.js';
import { claimsOf, currentViewer, signIn } from '../lib/session.js';

/** Sign in: as a demo user when the hub runs the demo, or with a bearer token. */
export async function render(page, ctx) {
  page.append(h('h1', {}, 'Sign in'));
  const viewer = currentViewer();
  if (ctx.query.ended) page.append(notice('warning', h('p', {}, 'Your session has ended. Sign in again to carry on.')));
  if (viewer) page.append(notice('info', h('p', {}, `You are signed in as ${roleLabel(viewer.roles[0])} for ${viewer.agencyName}. Signing in again replaces this session.`)));
  page.append(h('p', { class: 'lead' }, 'You see only what your agency may see for the purpose you declare. Everything you open is recorded in the audit log.'));
  const demo = await get('/console/demo-users', { auth: false, signal: ctx.signal }).catch((e) => {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  });
  if (demo?.users?.length) page.append(demoForm(demo.users, ctx));
  page.append(tokenForm(ctx, Boolean(demo)));
}

function demoForm(users, ctx) {
  const options = users.map((u) => [`${u.agencyId}|${u.role}`, `${u.agencyName} – ${roleLabel(u.role)}`]);
  const form = h(
    'form',
    { class: 'form', 'aria-labelledby': 'demo-title' },
    h('h2', { id: 'demo-title' }, 'Demo partnership'),
    h('p', {}, 'This hub runs the demo partnership. Choose who you are for this session.'),
    selectField({ name: 'user', label: 'Agency and role', options, value: options[0]?.[0] }),
    selectField({
      name: 'purpose',
      label: 'Purpose',
      hint: 'Why you are using the hub now. What you may see depends on it.',
      options: PURPOSES.map((p) => [p, words(p)]),
      value: 'direct-support',
    }),
    submitButton('Sign in as this demo user'),
  );
  return onSubmit(form, async () => {
    const [agency, role] = valueOf(form, 'user').split('|');
    const purpose = valueOf(form, 'purpose');
    const body = { agency, role, ...(role === 'admin' ? {} : { purpose }) };
    const answer = await api('POST', '/console/demo-token', body, { auth: false }).catch((e) => {
      if (e instanceof ApiError && e.status === 400) throw new FormErrors({ user: e.fields.role ?? e.fields.agency ?? e.message, ...(e.fields.purpose ? { purpose: e.fields.purpose } : {}) });
      throw e;
    });
    signIn(answer.token, users.find((u) => u.agencyId === agency)?.agencyName ?? agency);
    ctx.navigate('#/');
  });
}

function tokenForm(ctx, demo) {
  const form = h(
    'form',
    { class: 'form', 'aria-labelledby': 'token-title' },
    h('h2', { id: 'token-title' }, demo ? 'Or sign in with a token' : 'Sign in with a token'),
    textArea({ name: 'token', label: 'Bearer token', hint: 'Paste the token your agency\'s sign-in service gave you (it starts with eyJ). It is kept only in this browser tab.', rows: 4 }),
    submitButton('Sign in with this token', { secondary: demo }),
  );
  return onSubmit(form, async () => {
    const token = valueOf(form, 'token').replace(/^Bearer\s+/i, '');
    const claims = claimsOf(token);
    if (!claims) throw new FormErrors({ token: 'This is not a token. A token has three parts separated by dots.' });
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) throw new FormErrors({ token: 'This token has expired. Get a new one.' });
    const res = await fetch('/v1/agencies', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 401) throw new FormErrors({ token: 'The hub did not accept this token. Check it is for this hub and has not been revoked.' });
    if (!res.ok) throw new FormErrors({ token: `The hub answered ${res.status} when checking this token.` });
    const { agencies = [] } = await res.json();
    const agency = agencies.find((a) => a.agencyId === claims.agency);
    signIn(token, agency?.name ?? (claims.agency === 'partnership' ? 'Partnership administration' : String(claims.agency)));
    ctx.navigate('#/');
  });
}
