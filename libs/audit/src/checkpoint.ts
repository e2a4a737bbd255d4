import { createHash } from 'node:crypto';
import { canonicalJson, HubJwks, verifyPayload } from '@onestop/delivery';
import { GENESIS_HASH } from './hash-chain';

/** The JWS `typ` of checkpoint signatures. */
export const CHECKPOINT_TYP = 'onestop-audit-checkpoint+jws';

/**
 * A signed statement by the hub that records `fromSeq`..`toSeq` exist with these hashes: the last
 * record's hash (which, through the chain, commits to every record before it) and the Merkle root
 * over the range's record hashes. Checkpoints form their own chain (`previous`), so one missing
 * from the middle is noticed. Made every N records and on demand.
 */
export interface CheckpointPayload {
  type: 'onestop.audit.checkpoint.v1';
  /** 1, 2, 3, ... */
  index: number;
  fromSeq: number;
  toSeq: number;
  /** The hash of record `toSeq`. */
  headHash: string;
  /** Merkle root (hex) over the hashes of records `fromSeq`..`toSeq`. */
  merkleRoot: string;
  /** SHA-256 of the previous checkpoint's canonical payload (`GENESIS_HASH` for the first). */
  previous: string;
  createdAt: string;
}

/**
 * A checkpoint with its detached JWS (`header..signature`, EdDSA, the hub's key). This is the
 * export format: a DPO keeps it elsewhere and passes it to `verify` later.
 */
export interface SignedCheckpoint {
  payload: CheckpointPayload;
  signature: string;
}

/** What signs checkpoints: the hub's message signer satisfies it. */
export interface CheckpointSigner {
  readonly jwks: HubJwks;
  signPayload(payload: unknown, typ: string): Promise<string>;
}

/** SHA-256 (hex) of a checkpoint's canonical payload: what the next checkpoint's `previous` holds. */
export const checkpointDigest = (payload: CheckpointPayload): string => createHash('sha256').update(canonicalJson(payload)).digest('hex');

/** The payload of the checkpoint following `previous` over the records up to `toSeq`. */
export function nextCheckpointPayload(
  previous: CheckpointPayload | undefined,
  range: { toSeq: number; headHash: string; merkleRoot: string },
  createdAt: string,
): CheckpointPayload {
  return {
    type: 'onestop.audit.checkpoint.v1',
    index: (previous?.index ?? 0) + 1,
    fromSeq: (previous?.toSeq ?? 0) + 1,
    toSeq: range.toSeq,
    headHash: range.headHash,
    merkleRoot: range.merkleRoot,
    previous: previous ? checkpointDigest(previous) : GENESIS_HASH,
    createdAt,
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 1;

/** Whether a value has the exact shape of a checkpoint payload (no more, no less). */
export function isCheckpointPayload(value: unknown): value is CheckpointPayload {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  const keys = ['type', 'index', 'fromSeq', 'toSeq', 'headHash', 'merkleRoot', 'previous', 'createdAt'];
  return (
    Object.keys(p).length === keys.length &&
    keys.every((k) => k in p) &&
    p.type === 'onestop.audit.checkpoint.v1' &&
    isCount(p.index) &&
    isCount(p.fromSeq) &&
    isCount(p.toSeq) &&
    (p.toSeq as number) >= (p.fromSeq as number) &&
    [p.headHash, p.merkleRoot, p.previous].every((h) => typeof h === 'string' && HEX64.test(h)) &&
    typeof p.createdAt === 'string'
  );
}

/** Why a signed checkpoint cannot be trusted, or `undefined` when its shape and signature hold. */
export async function checkpointProblem(value: unknown, jwks: HubJwks | undefined): Promise<string | undefined> {
  if (!value || typeof value !== 'object') return 'not a signed checkpoint';
  const { payload, signature } = value as Partial<SignedCheckpoint>;
  if (!isCheckpointPayload(payload)) return 'the payload is not a checkpoint';
  if (typeof signature !== 'string') return 'the signature is missing';
  if (!jwks) return 'no public key to check the signature with';
  if (!(await verifyPayload(payload, signature, jwks, CHECKPOINT_TYP))) return 'the signature does not verify with the hub\'s key';
  return undefined;
}
