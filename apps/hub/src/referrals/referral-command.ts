import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { agencyServices, Appended, ConsentReferrals, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { KeyDestroyedError } from '@onestop/crypto';
import { DomainError, NotFoundError, ReferralCommand, referralDecider, ReferralEvent } from '@onestop/domain';
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
      if (!(await runtime.repository.exists(`person-${personId}`))) throw new NotFoundError('person', personId);
      if (command.type === 'RaiseReferral' && command.toAgency !== command.fromAgency) await this.assertReceivable(personId, command.toAgency);
    }
    const details = loaded.state.details ?? ('toAgency' in command ? command : undefined);
    const now = runtime.nowIso();
    const context = { now, knownAgencies: runtime.directory.agencyIds(), calendar: runtime.calendar, agencyServices: agencyServices(runtime) };
    // A prepared referral is the referrer's until consent releases it: the receiver learns nothing of it before.
    const waiting = command.type === 'PrepareReferral' || loaded.state.status === 'prepared';
    const metadata = metadataFor(caller, now, {
      personId,
      purpose: 'referral',
      addressedTo: details ? (waiting ? [details.fromAgency] : [details.fromAgency, details.toAgency]) : undefined,
    });
    const result = await runtime.repository.execute(stream, referralDecider, command, context, metadata, expectedRevision);
    await runtime.projector.catchUp();
    if (command.type === 'PrepareReferral' && personId) return this.releaseIfCovered(stream, personId, result);
    return result;
  }

  /**
   * A referral is raised only to an agency that may receive it now (`ConsentReferrals.mayReceive`):
   * otherwise its board would show the receiver a referral (service, urgency, deadlines) that the
   * sharing decision keeps from its feed. Prepared with `waitForConsent`, it goes the moment a
   * consent covers it. (An unknown agency is left to the decider, which names the field.)
   */
  private async assertReceivable(personId: string, toAgency: string): Promise<void> {
    if (!this.runtime.directory.agency(toAgency)) return;
    if (await new ConsentReferrals(this.runtime).mayReceive(personId, toAgency)) return;
    throw new DomainError('policy.denied', `${toAgency} may not receive this referral now: no agreement in force grants it referrals, or the grant needs the person's consent and none covers ${toAgency} for referral. Record that consent first, or send the referral with waitForConsent to raise it the moment the person consents`, { toAgency });
  }

  /** A referral prepared for a person whose consent already covers it is raised at once. */
  private async releaseIfCovered(stream: string, personId: string, prepared: ReferralCommandResult): Promise<ReferralCommandResult> {
    const { runtime } = this;
    const { last } = await new ConsentReferrals(runtime).release(personId);
    if (last === undefined) return prepared;
    await runtime.projector.catchUp();
    await runtime.publisherReached(last);
    const released = await runtime.repository.readStream<ReferralEvent>(stream);
    return { ...prepared, revision: released.length - 1, position: released[released.length - 1].position, events: released.map((e) => ({ type: e.type, data: e.data }) as ReferralEvent) };
  }
}
