import { createHmac } from 'node:crypto';

/**
 * Stable per-agency pseudonyms: HMAC-SHA-256 of the agency id and person id under the hub's
 * secret. The same person always has the same pseudonym at one agency, different ones at
 * different agencies, and no agency can reverse it.
 */
export class Pseudonymizer {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('the pseudonym secret must be at least 32 bytes');
  }

  pseudonym(agencyId: string, personId: string): string {
    return 'psn_' + createHmac('sha256', this.secret).update(`${agencyId}\u0000${personId}`).digest('base64url').slice(0, 32);
  }
}
