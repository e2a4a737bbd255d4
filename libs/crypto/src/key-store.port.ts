/**
 * Where per-person data keys live. Destroying a person's key (crypto-shredding) makes every
 * field encrypted under it unreadable for ever, without rewriting the event history.
 */
export interface KeyStore {
  /** The person's data key, created on first use; throws `KeyDestroyedError` once destroyed. */
  keyFor(personId: string): Buffer;
  /** The person's data key, or `undefined` when it was destroyed or never existed. */
  findKey(personId: string): Buffer | undefined;
  /** Destroys the key for ever; records that it was destroyed and when. */
  destroy(personId: string, at: string): void;
  /** When the person's key was destroyed, if it was. */
  destroyedAt(personId: string): string | undefined;
  /**
   * A count that moves whenever any key is destroyed, through this store or another process's:
   * whoever keeps opened personal data in memory compares it and drops what it holds.
   */
  erasures(): number;
}
