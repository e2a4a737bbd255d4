import { Body, Controller, Get, Headers, Inject, Param, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import { publicJwkProblem, type Principal } from '@onestop/auth';
import { AgencyProfile, ValidationError } from '@onestop/domain';
import { Caller, Roles } from '../auth/auth.decorators';
import { PutAgencyDto } from '../dto/agency.dto';
import { ifMatchRevision, noQuery, slugParam } from '../http/params';
import { ADMIN_ISSUER, expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { PARTNERSHIP_ADMIN } from '../auth/partnership-issuers';
import { RegisterAgencyCommand } from './admin-commands';
import { servicesOf } from './agency-services';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/agencies')
export class AgenciesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    @Inject(ADMIN_ISSUER) private readonly adminIssuer: string | null,
  ) {}

  @Put(':agencyId')
  @Roles('admin')
  @ApiOperation({ summary: 'Register an agency or replace its registration (keys, delivery, services with their referral deadlines); `If-Match` (or `expectedRevision`) guards a replacement against a concurrent one' })
  async put(
    @Caller() caller: Principal,
    @Param('agencyId', slugParam('agencyId')) agencyId: string,
    @Body() body: PutAgencyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    if ((body.jwks == null) === (body.jwksUri == null)) throw new ValidationError({ jwks: 'give exactly one of jwks or jwksUri' });
    const bad: Record<string, string> = {};
    body.jwks?.keys.forEach((key, i) => {
      const problem = publicJwkProblem(key);
      if (problem) bad[`jwks.keys[${i}]`] = problem;
    });
    if (agencyId === PARTNERSHIP_ADMIN) bad.agencyId = `${PARTNERSHIP_ADMIN} is reserved for the partnership administrator`;
    if (this.adminIssuer !== null && body.issuer === this.adminIssuer) bad.issuer = "is the partnership administrator's issuer";
    if (Object.keys(bad).length > 0) throw new ValidationError(bad);
    const profile: AgencyProfile = {
      agencyId,
      name: body.name,
      kind: body.kind,
      issuer: body.issuer,
      ...(body.jwks ? { jwks: { keys: body.jwks.keys } } : { jwksUri: body.jwksUri }),
      delivery: { feed: body.delivery?.feed ?? true, kafka: body.delivery?.kafka ?? false },
      services: servicesOf(body.services),
    };
    const result = await this.commands.execute(new RegisterAgencyCommand(caller, profile, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.status(result.created ? 201 : 200).setHeader('ETag', `"${result.revision}"`);
    return { agencyId, revision: result.revision };
  }

  @Get()
  @ApiOperation({ summary: 'The registered agencies with their public keys and delivery' })
  async list(@Query(noQuery) _query: Record<string, never>) {
    await this.runtime.directory.catchUp();
    return { agencies: this.runtime.directory.allAgencies() };
  }
}
