import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Appended, HubRuntime } from '@onestop/application';
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
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, personId, command, expectedRevision }: ExecutePersonCommand): Promise<PersonCommandResult> {
    const { runtime } = this;
    if (runtime.keys.destroyedAt(personId)) throw new KeyDestroyedError();
    const stream = `person-${personId}`;
    if (command.type !== 'RegisterPerson') {
      const head = await runtime.store.readStream(stream, { maxCount: 1 });
      if (head.length === 0) throw new NotFoundError('person', personId);
    }
    const now = runtime.nowIso();
    const context = { now, knownAgencies: runtime.directory.agencyIds() };
    const metadata = metadataFor(caller, now, { personId });
    const result = await runtime.repository.execute(stream, personDecider, command, context, metadata, expectedRevision);
    await runtime.projector.catchUp();
    return result;
  }
}
