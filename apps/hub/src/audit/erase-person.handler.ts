import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsentReferrals, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { KeyDestroyedError } from '@onestop/crypto';
import { DomainError, NotFoundError, personDecider } from '@onestop/domain';
import { HUB_RUNTIME, metadataFor } from '../runtime/runtime.tokens';
import { hasPublisherTables } from './dpo';

/** `POST /v1/people/{personId}/erasure`: erase the person (crypto-shredding) and retract everything held. */
export class ErasePersonCommand {
  constructor(
    readonly caller: Principal,
    readonly personId: string,
    readonly reference?: string,
  ) {}
}

/** The answer to an erasure: when, and which agencies are being told to delete what they hold. */
export interface ErasureResult {
  personId: string;
  erasedAt: string;
  /** Agencies that held something: each gets a retraction (and a tombstone on Kafka). */
  retractingFrom: string[];
}

/**
 * Withdraws the person's open referrals, records `PersonErased.v1` (the publisher turns it into
 * retractions for every agency holding anything), then, in one transaction, the erasure's audit
 * record, the destruction of the person's data key and the read models' mark. If the record cannot be written the key is not
 * destroyed; repeating the call completes an erasure that stopped half-way. The write-ahead log
 * is then checkpointed and emptied, so the key's old bytes do not outlive it there.
 */
@CommandHandler(ErasePersonCommand)
export class ErasePersonHandler implements ICommandHandler<ErasePersonCommand, ErasureResult> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, personId, reference }: ErasePersonCommand): Promise<ErasureResult> {
    const { runtime } = this;
    if (runtime.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const stream = `person-${personId}`;
    if ((await runtime.store.readStream(stream, { maxCount: 1 })).length === 0) throw new NotFoundError('person', personId);
    await runtime.projector.catchUp();
    if ((await new ConsentReferrals(runtime).withdrawForErasure(personId)).count > 0) await runtime.projector.catchUp();
    const now = runtime.nowIso();
    let eventId: string | undefined;
    try {
      const metadata = metadataFor(caller, now, { personId, addressedTo: [] });
      const result = await runtime.repository.execute(stream, personDecider, { type: 'ErasePerson' }, { now, knownAgencies: runtime.directory.agencyIds() }, metadata);
      eventId = result.eventIds[0];
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'person.erased')) throw error;
    }
    const holders = hasPublisherTables(runtime)
      ? (runtime.db.prepare('SELECT DISTINCT agency_id FROM pub_disclosures WHERE person_id = ? AND retracted_by IS NULL ORDER BY agency_id').pluck().all(personId) as string[])
      : [];
    runtime.db
      .transaction(() => {
        runtime.audit.log.appendInTransaction([
          {
            kind: 'erasure',
            at: now,
            agencyId: caller.agencyId,
            actor: caller.subject,
            roles: caller.roles,
            personId,
            ref: `erasure:${runtime.audit.log.subjectOf(personId)}`,
            detail: { eventId, reference, retractingFrom: holders, method: 'crypto-shredding' },
          },
        ]);
        runtime.keys.destroy(personId, now);
        runtime.db.prepare('UPDATE rm_people SET erased_at = ? WHERE person_id = ?').run(now, personId);
        runtime.db.prepare("UPDATE rm_consents SET status = 'erased' WHERE person_id = ? AND status = 'active'").run(personId);
      })
      .immediate();
    // The destroyed key's old page may linger in the write-ahead log until the next checkpoint.
    runtime.db.pragma('wal_checkpoint(TRUNCATE)');
    return { personId, erasedAt: now, retractingFrom: holders };
  }
}
