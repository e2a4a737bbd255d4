import { CompactSign, importJWK } from 'jose';
import { canonicalJson, HubCloudEvent } from './cloud-event';
import { MESSAGE_TYP, MessageSigner, verifyMessage, verifyPayload } from './message-signer';

const message = (n: number): Omit<HubCloudEvent, 'signature'> => ({
  specversion: '1.0',
  id: `6f1c2b9e-0000-4000-8000-${String(n).padStart(12, '0')}`,
  source: 'urn:onestop:test',
  type: 'onestop.person.check-in-recorded.v1',
  subject: 'psn_abc',
  time: '2026-03-02T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: { note: `Seen at the day centre — visit ${n}`, needs: { housing: { level: 'high', summary: 'Sofa surfing' } } },
  agreementid: 'town-centre-isp',
  agreementversion: 1,
  grant: 2,
  lawfulbasis: 'consent',
  purpose: 'care-coordination',
  consentid: 'c-1',
  sequence: String(n).padStart(16, '0'),
});

/** The detached JWS as a JOSE library makes it, with the same key and header. */
async function joseDetached(jwk: Parameters<typeof importJWK>[0], payload: unknown, typ: string): Promise<string> {
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid!, typ })
    .sign(await importJWK(jwk, 'EdDSA'));
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

describe('MessageSigner', () => {
  it('signs messages byte for byte as jose does (Ed25519 is deterministic), and they verify', async () => {
    const jwk = await MessageSigner.generatePrivateJwk('hub-test');
    const signer = await MessageSigner.fromPrivateJwk(jwk);
    for (let n = 0; n < 20; n += 1) {
      const signed = await signer.sign(message(n));
      expect(signed.signature).toBe(await joseDetached(jwk, message(n), MESSAGE_TYP));
      expect(await verifyMessage(signed, signer.jwks)).toBe(true);
      expect(await verifyMessage({ ...signed, data: { note: 'tampered' } }, signer.jwks)).toBe(false);
    }
  });

  it('signs payloads with their own typ as jose does, and verifies them only under that typ', async () => {
    const jwk = await MessageSigner.generatePrivateJwk('hub-test');
    const signer = await MessageSigner.fromPrivateJwk(jwk);
    const payload = { type: 'onestop.audit.checkpoint.v1', index: 3, note: 'ünïcödé \u{1F600}' };
    const detached = await signer.signPayload(payload, 'onestop-audit-checkpoint+jws');
    expect(detached).toBe(await joseDetached(jwk, payload, 'onestop-audit-checkpoint+jws'));
    expect(await verifyPayload(payload, detached, signer.jwks, 'onestop-audit-checkpoint+jws')).toBe(true);
    expect(await verifyPayload(payload, detached, signer.jwks, MESSAGE_TYP)).toBe(false);
  });

  it('refuses a key that is not an Ed25519 private JWK with a kid', async () => {
    const { d: _d, ...publicOnly } = await MessageSigner.generatePrivateJwk('hub-test');
    await expect(MessageSigner.fromPrivateJwk(publicOnly)).rejects.toThrow('Ed25519 private JWK');
  });
});
