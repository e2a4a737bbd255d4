import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { KeyDestroyedError } from '@onestop/crypto';
import { BreakGlassOpenedV1, BreakGlassOutcome, DomainError, NotFoundError, personDecider } from '@onestop/domain';
import { viewerOf } from '../http/viewer';
import { HUB_RUNTIME, metadataFor } from '../runtime/runtime.tokens';

/** A caseworker opens emergency access to a person under vital interests. */
export class OpenBreakGlassCommand {
  constructor(
    readonly caller: Principal,
    readonly personId: string,
    readonly reason: string,
    readonly minutes: number,
  ) {}
}

/** The DPO records whether a break-glass access was justified. */
export class ReviewBreakGlassCommand {
  constructor(
    readonly caller: Principal,
    readonly grantId: string,
    readonly outcome: BreakGlassOutcome,
    readonly note?: string,
  ) {}
}

/**
 * Records `BreakGlassOpened.v1` in the person's stream (the reason sealed under their key, never
 * disclosed), then the grant and its audit record in one transaction: the grant is in force, and
 * in the DPO's review queue, from that commit.
 */
@CommandHandler(OpenBreakGlassCommand)
export class OpenBreakGlassHandler implements ICommandHandler<OpenBreakGlassCommand> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, personId, reason, minutes }: OpenBreakGlassCommand) {
    const { runtime } = this;
    viewerOf(caller, runtime.directory);
    if (runtime.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const stream = `person-${personId}`;
    if ((await runtime.store.readStream(stream, { maxCount: 1 })).length === 0) throw new NotFoundError('person', personId);
    const grantId = randomUUID();
    const now = runtime.nowIso();
    const metadata = metadataFor(caller, now, { personId, purpose: 'safeguarding', addressedTo: [] });
    const command = { type: 'OpenBreakGlass' as const, grantId, reason, minutes };
    const result = await runtime.repository.execute(stream, personDecider, command, { now, knownAgencies: runtime.directory.agencyIds() }, metadata);
    const { until } = (result.events[0] as BreakGlassOpenedV1).data;
    const { log, breakGlass } = runtime.audit;
    runtime.db
      .transaction(() => {
        log.appendInTransaction([
          {
            kind: 'break-glass',
            at: now,
            agencyId: caller.agencyId,
            actor: caller.subject,
            roles: caller.roles,
            purpose: 'safeguarding',
            personId,
            ref: `break-glass:${grantId}`,
            detail: { grantId, basis: 'vital-interests', minutes, until, eventId: result.eventIds[0], reasonDigest: log.digestOf(reason) },
          },
        ]);
        breakGlass.open({ grant_id: grantId, person_id: personId, agency_id: caller.agencyId, actor: caller.subject, opened_at: now, until });
      })
      .immediate();
    return { grantId, personId, basis: 'vital-interests', openedAt: now, until };
  }
}

/**
 * Records the review in the person's stream (note sealed) and in the audit log with the queue
 * entry, in one transaction. For a person since erased, only the outcome is kept.
 */
@CommandHandler(ReviewBreakGlassCommand)
export class ReviewBreakGlassHandler implements ICommandHandler<ReviewBreakGlassCommand> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, grantId, outcome, note }: ReviewBreakGlassCommand) {
    const { runtime } = this;
    const { log, breakGlass } = runtime.audit;
    const grant = breakGlass.get(grantId);
    if (!grant) throw new NotFoundError('break-glass', grantId);
    if (grant.reviewed_at) throw new DomainError('break-glass.already-reviewed', 'the grant was already reviewed', { grantId });
    const personId = grant.person_id;
    const erased = runtime.keys.destroyedAt(personId) !== undefined;
    const now = runtime.nowIso();
    if (!erased) {
      const metadata = metadataFor(caller, now, { personId, purpose: 'safeguarding', addressedTo: [] });
      const command = { type: 'ReviewBreakGlass' as const, grantId, outcome, ...(note ? { note } : {}) };
      await runtime.repository.execute(`person-${personId}`, personDecider, command, { now, knownAgencies: runtime.directory.agencyIds() }, metadata);
    }
    runtime.db
      .transaction(() => {
        log.appendInTransaction([
          {
            kind: 'break-glass-review',
            at: now,
            agencyId: caller.agencyId,
            actor: caller.subject,
            roles: caller.roles,
            personId,
            ref: `break-glass-review:${grantId}`,
            detail: { grantId, outcome, openedBy: { agencyId: grant.agency_id, actor: grant.actor }, ...(note ? { noteDigest: log.digestOf(note), noteKept: !erased } : {}) },
          },
        ]);
        if (!breakGlass.review(grantId, outcome, now, `${caller.agencyId}/${caller.subject}`)) {
          throw new DomainError('break-glass.already-reviewed', 'the grant was already reviewed', { grantId });
        }
      })
      .immediate();
    return { grantId, outcome, reviewedAt: now };
  }
}
