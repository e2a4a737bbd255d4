import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Appended, ConsentReferrals, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { KeyDestroyedError } from '@onestop/crypto';
import { NotFoundError, PersonCommand, personDecider, PersonEvent } from '@onestop/domain';
import { HUB_RUNTIME, metadataFor } from '../runtime/runtime.tokens';

/** Runs one person command (register, correct, consent, assessment, check-in) for a caller. */
export class ExecutePersonCommand {
  constructor(
    readonly caller: Principal,
    readonly personId: string,
    readonly command: PersonCommand,
    readonly expectedRevision?: number,
  ) {}
}

export type PersonCommandResult = Appended & { events: PersonEvent[] };

@CommandHandler(ExecutePersonCommand)
export class ExecutePersonCommandHandler implements ICommandHandler<ExecutePersonCommand, PersonCommandResult> {
  private readonly consentReferrals: ConsentReferrals;

  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {
    this.consentReferrals = new ConsentReferrals(runtime);
  }

  async execute({ caller, personId, command, expectedRevision }: ExecutePersonCommand): Promise<PersonCommandResult> {
    const { runtime } = this;
    if (runtime.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const stream = `person-${personId}`;
    if (command.type !== 'RegisterPerson') {
      if (!(await runtime.repository.exists(stream))) throw new NotFoundError('person', personId);
    }
    const now = runtime.nowIso();
    const context = { now, knownAgencies: runtime.directory.agencyIds() };
    const metadata = metadataFor(caller, now, { personId });
    const result = await runtime.repository.execute(stream, personDecider, command, context, metadata, expectedRevision);
    await runtime.projector.catchUp();
    await this.followConsent(personId, result);
    return result;
  }

  /**
   * A consent given releases the person's prepared referrals it covers; one withdrawn or expired
   * withdraws the referrals it covered. The response waits until the in-process publisher has
   * delivered them, so the receiving agency's feed shows a released referral when this returns.
   */
  private async followConsent(personId: string, result: PersonCommandResult): Promise<void> {
    const last = await this.consentReferrals.afterPersonEvents(personId, result.events.map((e) => e.type), result.position);
    if (last === undefined) return;
    await this.runtime.projector.catchUp();
    await this.runtime.publisherReached(last);
  }
}
