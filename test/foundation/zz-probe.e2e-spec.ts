import { TestHub, Issuer } from '../support/hub-harness';
import { startPartnership, registerPerson, personBody } from '../support/fixtures';
it('probe', async () => {
  const hub = await TestHub.start();
  const p = await startPartnership(hub);
  const admin = await hub.admin.token(['admin']);
  const junk = await Issuer.create('junk');
  const r1 = await hub.request('PUT', '/v1/agencies/junk', admin, { name: 'J', kind: 'charity', issuer: junk.issuer, jwks: { keys: [{ kty: 'nope' }] } });
  console.log('junk jwks', r1.status, JSON.stringify(r1.body));
  const r2 = await hub.request('PUT', '/v1/agencies/junk2', admin, { name: 'J', kind: 'charity', issuer: 'x://y', jwks: { keys: [{ foo: 1 }] } });
  console.log('junk jwks2', r2.status, JSON.stringify(r2.body));
  const body = personBody();
  const id = await registerPerson(hub, p.tokens.police, body);
  for (const [n, t] of Object.entries(p.tokens)) {
    const s = await hub.request('GET', `/v1/people?name=${encodeURIComponent(String(body.name))}&dob=${body.dateOfBirth}`, t);
    console.log('search', n, s.status, JSON.stringify(s.body));
    const g = await hub.request('GET', `/v1/people/${id}`, t);
    console.log('get', n, g.status, JSON.stringify(g.body));
  }
  const ref = await hub.request('POST', '/v1/referrals', p.tokens.police, { personId: id, toAgency: 'sms', service: 'detox', urgency: 'immediate', reason: 'wants help' });
  console.log('raise', ref.status, JSON.stringify(ref.body), ref.headers.get('location'));
  const ack = await hub.request('POST', `/v1/referrals/${ref.body.referralId}/acknowledge`, p.tokens.sms);
  console.log('ack nobody', ack.status, JSON.stringify(ack.body));
  const list = await hub.request('GET', `/v1/referrals`, p.tokens.sms);
  console.log('list', list.status, JSON.stringify(list.body));
  const hist = await hub.request('GET', `/v1/people/${id}/history`, p.tokens.sms);
  console.log('hist sms', hist.status, JSON.stringify(hist.body));
  const nf = await hub.request('POST', `/v1/referrals/${crypto.randomUUID()}/approve`, p.tokens.sms);
  console.log('unknown ref+action', nf.status, JSON.stringify(nf.body));
  await hub.close();
});
