import { sha256 as digest } from './sha256';

/** One step of an inclusion proof: the sibling hash and on which side it sits. */
export interface ProofStep {
  side: 'left' | 'right';
  hash: string;
}

const sha256 = (...parts: Buffer[]): Buffer => digest(parts.length === 1 ? parts[0] : Buffer.concat(parts));
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** Scratch space for hashing one leaf or node without allocating (hashing is synchronous). */
const scratch = Buffer.alloc(65);

/** Leaves and inner nodes are hashed with different prefixes, so a node can never pass for a leaf. */
function leafHash(recordHash: string): Buffer {
  scratch[0] = 0;
  if (scratch.write(recordHash, 1, 32, 'hex') !== 32) return sha256(LEAF, Buffer.from(recordHash, 'hex'));
  return digest(scratch.subarray(0, 33));
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  scratch[0] = 1;
  left.copy(scratch, 1);
  right.copy(scratch, 33);
  return digest(scratch);
}

/** One level up: pairs hashed together; an odd last node is carried up unchanged (never duplicated). */
function levelUp(level: Buffer[]): Buffer[] {
  const next: Buffer[] = [];
  for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i]);
  return next;
}

/** The Merkle root (hex) over record hashes in order; the root of no records is SHA-256 of nothing. */
export function merkleRoot(recordHashes: readonly string[]): string {
  if (recordHashes.length === 0) return sha256().toString('hex');
  let level = recordHashes.map(leafHash);
  while (level.length > 1) level = levelUp(level);
  return level[0].toString('hex');
}

/** The proof that the record hash at `index` is under the root of `recordHashes`. */
export function inclusionProof(recordHashes: readonly string[], index: number): ProofStep[] {
  if (index < 0 || index >= recordHashes.length) throw new RangeError('index outside the tree');
  const proof: ProofStep[] = [];
  let level = recordHashes.map(leafHash);
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) proof.push({ side: i % 2 === 0 ? 'right' : 'left', hash: level[sibling].toString('hex') });
    level = levelUp(level);
    i = Math.floor(i / 2);
  }
  return proof;
}

/** Whether `recordHash` with `proof` leads to `root`. */
export function verifyInclusion(recordHash: string, proof: readonly ProofStep[], root: string): boolean {
  let node = leafHash(recordHash);
  for (const step of proof) {
    const sibling = Buffer.from(step.hash, 'hex');
    node = sibling.length !== 32 ? sha256(NODE, node, sibling) : step.side === 'right' ? nodeHash(node, sibling) : nodeHash(sibling, node);
  }
  return node.toString('hex') === root;
}
