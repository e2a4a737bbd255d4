import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Appended, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { agencyDecider, AgencyProfile, AgreementVersion, agreementDecider, ValidationError } from '@onestop/domain';
import { HUB_RUNTIME, metadataFor } from '../runtime/runtime.tokens';

/** `PUT /v1/agencies/{id}`: register or replace an agency. */
export class RegisterAgencyCommand {
  constructor(
    readonly caller: Principal,
    readonly profile: AgencyProfile,
    readonly expectedRevision?: number,
  ) {}
}

/** `PUT /v1/agreements/{id}`: publish the next version of an agreement. */
export class PublishAgreementCommand {
  constructor(
    readonly caller: Principal,
    readonly agreement: Omit<AgreementVersion, 'version'>,
    readonly expectedRevision?: number,
  ) {}
}

@CommandHandler(RegisterAgencyCommand)
export class RegisterAgencyHandler implements ICommandHandler<RegisterAgencyCommand, Appended & { created: boolean }> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, profile, expectedRevision }: RegisterAgencyCommand) {
    const { runtime } = this;
    await runtime.directory.catchUp();
    const holder = runtime.directory.agencyByIssuer(profile.issuer);
    if (holder && holder.agencyId !== profile.agencyId) {
      throw new ValidationError({ issuer: `already registered to agency ${holder.agencyId}` });
    }
    const metadata = metadataFor(caller, runtime.nowIso(), { purpose: 'service-planning' });
    const result = await runtime.repository.execute(`agency-${profile.agencyId}`, agencyDecider, { type: 'RegisterAgency', profile }, undefined, metadata, expectedRevision);
    await runtime.directory.catchUp();
    await runtime.audit.admin.catchUp();
    return { ...result, created: result.events[0]?.type === 'AgencyRegistered.v1' };
  }
}

@CommandHandler(PublishAgreementCommand)
export class PublishAgreementHandler implements ICommandHandler<PublishAgreementCommand, Appended & { version: number }> {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  async execute({ caller, agreement, expectedRevision }: PublishAgreementCommand) {
    const { runtime } = this;
    await runtime.directory.catchUp();
    const metadata = metadataFor(caller, runtime.nowIso(), { purpose: 'service-planning' });
    const context = { knownAgencies: runtime.directory.agencyIds(), agencyKinds: runtime.directory.agencyKinds() };
    const command = { type: 'PublishAgreementVersion' as const, agreement };
    const result = await runtime.repository.execute(`agreement-${agreement.agreementId}`, agreementDecider, command, context, metadata, expectedRevision);
    await runtime.directory.catchUp();
    await runtime.audit.admin.catchUp();
    return { ...result, version: result.events[0].data.version };
  }
}
