import { createHash } from 'node:crypto';
import { inclusionProof, merkleRoot, verifyInclusion } from './merkle';

const hashes = (n: number) => Array.from({ length: n }, (_, i) => createHash('sha256').update(`record ${i}`).digest('hex'));

describe('the Merkle tree over record hashes', () => {
  it('changes its root when any leaf changes, is added, removed or moved', () => {
    const leaves = hashes(13);
    const root = merkleRoot(leaves);
    for (let i = 0; i < leaves.length; i++) {
      const changed = [...leaves];
      changed[i] = hashes(14)[13];
      expect(merkleRoot(changed)).not.toBe(root);
    }
    expect(merkleRoot(leaves.slice(0, 12))).not.toBe(root);
    expect(merkleRoot([...leaves, leaves[12]])).not.toBe(root);
    expect(merkleRoot([leaves[1], leaves[0], ...leaves.slice(2)])).not.toBe(root);
  });

  it.each([1, 2, 3, 7, 8, 1000, 1001])('proves the inclusion of every one of %i leaves, and of nothing else', (n) => {
    const leaves = hashes(n);
    const root = merkleRoot(leaves);
    const stranger = hashes(n + 1)[n];
    const sample = n > 20 ? [0, 1, n >> 1, n - 2, n - 1] : leaves.map((_, i) => i);
    for (const i of sample) {
      const proof = inclusionProof(leaves, i);
      expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
      expect(verifyInclusion(leaves[i], proof, root)).toBe(true);
      expect(verifyInclusion(stranger, proof, root)).toBe(false);
    }
  });

  it('never lets an inner node pass for a leaf (leaves and nodes are hashed apart)', () => {
    const leaves = hashes(4);
    const root = merkleRoot(leaves);
    expect(merkleRoot(leaves.slice(0, 2))).not.toBe(root);
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
  });
});
