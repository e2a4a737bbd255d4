import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Caller, Roles } from '../auth/auth.decorators';
import { GiveConsentDto, WithdrawConsentDto } from '../dto/consent.dto';
import { ifMatchRevision, uuidParam } from '../http/params';
import { viewerOf } from '../http/viewer';
import { expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { ExecutePersonCommand, PersonCommandResult } from './person-command';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('v1/people/:personId/consents')
export class ConsentsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
  ) {}

  @Post()
  @Roles('caseworker')
  @ApiOperation({ summary: 'Record consent given by the person (recipients × categories × purposes, validity)' })
  async give(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Body() body: GiveConsentDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const consentId = randomUUID();
    const command = {
      type: 'GiveConsent' as const,
      consentId,
      recipients: { agencies: body.recipients.agencies, kinds: body.recipients.kinds },
      categories: body.categories,
      purposes: body.purposes,
      method: body.method,
      ...(body.evidenceRef ? { evidenceRef: body.evidenceRef } : {}),
      validFrom: body.validFrom ?? this.runtime.nowIso(),
      ...(body.validUntil ? { validUntil: body.validUntil } : {}),
    };
    const result: PersonCommandResult = await this.commands.execute(new ExecutePersonCommand(caller, personId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { consentId, revision: result.revision };
  }

  @Post(':consentId/withdraw')
  @HttpCode(200)
  @Roles('caseworker')
  @ApiOperation({ summary: 'Withdraw a consent in full, or only part of its scope' })
  async withdraw(
    @Caller() caller: Principal,
    @Param('personId', uuidParam('personId')) personId: string,
    @Param('consentId', uuidParam('consentId')) consentId: string,
    @Body() body: WithdrawConsentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    viewerOf(caller, this.runtime.directory);
    const scope = body.scope
      ? {
          ...(body.scope.recipients ? { recipients: { agencies: body.scope.recipients.agencies, kinds: body.scope.recipients.kinds } } : {}),
          ...(body.scope.categories ? { categories: body.scope.categories } : {}),
          ...(body.scope.purposes ? { purposes: body.scope.purposes } : {}),
        }
      : undefined;
    const command = { type: 'WithdrawConsent' as const, consentId, ...(scope ? { scope } : {}) };
    const result: PersonCommandResult = await this.commands.execute(new ExecutePersonCommand(caller, personId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { consentId, partial: scope !== undefined, revision: result.revision };
  }
}
