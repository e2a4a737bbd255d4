import { get } from '../lib/api.js';
import { h, table } from '../lib/dom.js';
import { listOf, words } from '../lib/format.js';

const keyText = (k) => [k.kid ? `kid ${k.kid}` : 'no kid', [k.kty, k.crv, k.alg].filter(Boolean).join(' '), k.use ? `use ${k.use}` : ''].filter(Boolean).join(' · ');

/** The partnership's agencies: who they are, the keys their tokens are checked against, delivery. */
export async function render(page, ctx) {
  const { agencies } = await get('/v1/agencies', { signal: ctx.signal });
  page.append(
    h('h1', {}, 'Agencies'),
    h('p', { class: 'lead' }, `${agencies.length} member ${agencies.length === 1 ? 'agency' : 'agencies'}. A user's token is accepted only if it is signed by a key listed here for their agency's issuer.`),
    table(
      'Agencies and their keys',
      ['Agency', 'Kind', 'Token issuer', 'Public keys', 'Delivery', 'Services'],
      agencies.map((a) => [
        h('div', {}, h('span', { class: 'strong' }, a.name), h('p', { class: 'secondary-text' }, h('code', {}, a.agencyId))),
        words(a.kind),
        h('code', { class: 'break' }, a.issuer),
        a.jwksUri
          ? h('div', {}, 'Published at ', h('code', { class: 'break' }, a.jwksUri))
          : h('ul', { class: 'plain-list' }, (a.jwks?.keys ?? []).map((k) => h('li', { class: 'break' }, keyText(k)))),
        listOf([a.delivery?.feed ? 'HTTP feed' : null, a.delivery?.kafka ? 'Kafka' : null].filter(Boolean)) || 'None',
        (a.services ?? []).length ? h('ul', { class: 'plain-list' }, a.services.map((s) => h('li', {}, s.name))) : 'None listed',
      ]),
      { rowHeaders: true, hideCaption: true },
    ),
  );
}
