import { DomainError, EventMetadata, personDecider } from '@onestop/domain';
import { HubRuntime } from '../runtime/hub-runtime';

/**
 * Makes expiry a first-class event: every consent whose `validUntil` has passed gets a
 * `ConsentExpired.v1`, which the publisher turns into retractions. Driven by the hub's
 * clock; `runOnce` is what the timer calls and what tests call with an injected clock.
 */
export class ConsentExpiryWatcher {
  private timer?: NodeJS.Timeout;

  constructor(private readonly runtime: HubRuntime) {}

  /** Expires every consent now due; returns how many were expired. */
  async runOnce(): Promise<number> {
    const { runtime } = this;
    await runtime.projector.catchUp();
    const now = runtime.nowIso();
    const due = runtime.db
      .prepare("SELECT consent_id, person_id FROM rm_consents WHERE status = 'active' AND valid_until IS NOT NULL AND valid_until <= ? LIMIT 500")
      .all(now) as Array<{ consent_id: string; person_id: string }>;
    let expired = 0;
    for (const c of due) {
      const metadata: EventMetadata = { recordedBy: 'hub', actor: 'consent-expiry', purpose: 'direct-support', occurredAt: now, personId: c.person_id };
      try {
        await runtime.repository.execute(`person-${c.person_id}`, personDecider, { type: 'ExpireConsent', consentId: c.consent_id }, { now, knownAgencies: runtime.directory.agencyIds() }, metadata);
        expired += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    await runtime.projector.catchUp();
    return expired;
  }

  start(intervalMs = 1000, onError?: (e: Error) => void): void {
    const tick = () => {
      this.runOnce()
        .catch((e: Error) => onError?.(e))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
