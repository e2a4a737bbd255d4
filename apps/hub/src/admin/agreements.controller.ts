import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { agreementsInForce } from '@onestop/policy';
import { Caller, Roles } from '../auth/auth.decorators';
import { PutAgreementDto } from '../dto/agreement.dto';
import { ifMatchRevision, noQuery, slugParam } from '../http/params';
import { expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { PublishAgreementCommand } from './admin-commands';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/agreements')
export class AgreementsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
  ) {}

  @Put(':agreementId')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Publish the next version of an information-sharing agreement (never edits a version)' })
  async put(@Caller() caller: Principal, @Param('agreementId', slugParam('agreementId')) agreementId: string, @Body() body: PutAgreementDto, @Headers('if-match') ifMatch?: string) {
    const agreement = {
      agreementId,
      title: body.title,
      parties: body.parties,
      grants: body.grants.map((g) => ({ recipient: g.recipient, categories: g.categories, purposes: g.purposes, basis: g.basis, consentRequired: g.consentRequired ?? false, retentionDays: g.retentionDays ?? 365 })),
      effectiveFrom: body.effectiveFrom ?? this.runtime.nowIso(),
      reviewDate: body.reviewDate,
    };
    const result = await this.commands.execute(new PublishAgreementCommand(caller, agreement, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    return { agreementId, version: result.version, revision: result.revision };
  }

  @Get()
  @ApiOperation({ summary: 'Every agreement with all its versions and which version is in force now' })
  async list(@Query(noQuery) _query: Record<string, never>) {
    await this.runtime.directory.catchUp();
    const versions = this.runtime.directory.agreementVersions();
    const inForce = new Map(agreementsInForce(versions, this.runtime.nowIso()).map((v) => [v.agreementId, v.version]));
    const ids = [...new Set(versions.map((v) => v.agreementId))].sort();
    return {
      agreements: ids.map((id) => ({
        agreementId: id,
        versionInForce: inForce.get(id) ?? null,
        versions: versions.filter((v) => v.agreementId === id),
      })),
    };
  }
}
