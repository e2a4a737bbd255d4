import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of normalised names and dates of birth, so people can be found by exact match
 * without their names being stored in plain anywhere.
 */
export class BlindIndex {
  constructor(private readonly secret: Buffer) {}

  name(name: string): string {
    return this.hash('name', name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim());
  }

  dateOfBirth(dob: string): string {
    return this.hash('dob', dob.trim().slice(0, 10));
  }

  private hash(kind: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${kind}\u0000${value}`).digest('base64url');
  }
}
