import { testSigner } from '../testing/audit-fixtures';
import { CHECKPOINT_TYP, checkpointDigest, checkpointProblem, nextCheckpointPayload } from './checkpoint';
import { GENESIS_HASH } from './hash-chain';

const range = { toSeq: 1000, headHash: 'a'.repeat(64), merkleRoot: 'b'.repeat(64) };

describe('signed checkpoints', () => {
  it('chain one to the next: index, first record and the digest of the previous payload', () => {
    const first = nextCheckpointPayload(undefined, range, '2030-01-01T00:00:00.000Z');
    expect(first).toMatchObject({ index: 1, fromSeq: 1, toSeq: 1000, previous: GENESIS_HASH });
    const second = nextCheckpointPayload(first, { ...range, toSeq: 1500 }, '2030-01-02T00:00:00.000Z');
    expect(second).toMatchObject({ index: 2, fromSeq: 1001, toSeq: 1500, previous: checkpointDigest(first) });
  });

  it('verify with the hub\'s key, and fail with another key, another payload or a touched signature', async () => {
    const hub = await testSigner('hub-1');
    const impostor = await testSigner('hub-1');
    const payload = nextCheckpointPayload(undefined, range, '2030-01-01T00:00:00.000Z');
    const signature = await hub.signPayload(payload, CHECKPOINT_TYP);
    expect(await checkpointProblem({ payload, signature }, hub.jwks)).toBeUndefined();
    expect(await checkpointProblem({ payload, signature }, impostor.jwks)).toMatch(/signature does not verify/);
    expect(await checkpointProblem({ payload: { ...payload, toSeq: 999 }, signature }, hub.jwks)).toMatch(/signature does not verify/);
    expect(await checkpointProblem({ payload, signature: await hub.signPayload(payload, 'other+jws') }, hub.jwks)).toMatch(/signature does not verify/);
    const last = signature.at(-1)!;
    // Base64url's last character carries spare bits: a string differing only there must still fail.
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
      if (c === last) continue;
      expect(await checkpointProblem({ payload, signature: signature.slice(0, -1) + c }, hub.jwks)).toBeDefined();
    }
  });

  it('refuses anything that is not exactly a checkpoint', async () => {
    const hub = await testSigner();
    const payload = nextCheckpointPayload(undefined, range, '2030-01-01T00:00:00.000Z');
    const signature = await hub.signPayload(payload, CHECKPOINT_TYP);
    expect(await checkpointProblem(undefined, hub.jwks)).toBe('not a signed checkpoint');
    expect(await checkpointProblem({ payload: { ...payload, extra: 1 }, signature }, hub.jwks)).toBe('the payload is not a checkpoint');
    expect(await checkpointProblem({ payload: { ...payload, fromSeq: 2000 }, signature }, hub.jwks)).toBe('the payload is not a checkpoint');
    expect(await checkpointProblem({ payload }, hub.jwks)).toBe('the signature is missing');
  });
});
