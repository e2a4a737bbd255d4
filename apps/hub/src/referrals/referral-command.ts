import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Appended, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { KeyDestroyedError } from '@onestop/crypto';
import { NotFoundError, ReferralCommand, referralDecider, ReferralEvent } from '@onestop/domain';
import { HUB_RUNTIME, metadataFor } from '../runtime/runtime.tokens';

/** Runs one referral command (raise, prepare, a reply, withdraw) for a caller. */
export class ExecuteReferralCommand {
  constructor(
    readonly caller: Principal,
    readonly referralId: string,
    readonly command: ReferralCommand,
    readonly expectedRevision?: number,
  ) {}
}

export type ReferralCommandResult = Appended & { events: ReferralEvent[] };

@CommandHandler(ExecuteReferralCommand)
export class ExecuteReferralCommandHandler implements ICommandHandler<ExecuteReferralCommand, ReferralCommandResult> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, referralId, command, expectedRevision }: ExecuteReferralCommand): Promise<ReferralCommandResult> {
    const { runtime } = this;
    const stream = `referral-${referralId}`;
    const loaded = await runtime.repository.load(stream, referralDecider);
    const personId = loaded.state.details?.personId ?? ('personId' in command ? command.personId : undefined);
    const opening = command.type === 'RaiseReferral' || command.type === 'PrepareReferral';
    if (!opening && !loaded.state.details) throw new NotFoundError('referral', referralId);
    if (opening && personId) {
      if (runtime.keys.destroyedAt(personId)) throw new KeyDestroyedError();
      const person = await runtime.store.readStream(`person-${personId}`, { maxCount: 1 });
      if (person.length === 0) throw new NotFoundError('person', personId);
    }
    const details = loaded.state.details ?? ('toAgency' in command ? command : undefined);
    const now = runtime.nowIso();
    const context = { now, knownAgencies: runtime.directory.agencyIds(), calendar: { bankHolidays: new Set<string>() } };
    const metadata = metadataFor(caller, now, {
      personId,
      purpose: 'referral',
      addressedTo: details ? [details.fromAgency, details.toAgency] : undefined,
    });
    const result = await runtime.repository.execute(stream, referralDecider, command, context, metadata, expectedRevision);
    await runtime.projector.catchUp();
    return result;
  }
}
