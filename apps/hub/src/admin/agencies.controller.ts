import { Body, Controller, Get, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createPublicKey, JsonWebKey } from 'node:crypto';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { AgencyProfile, ValidationError } from '@onestop/domain';
import { Caller, Roles } from '../auth/auth.decorators';
import { PutAgencyDto } from '../dto/agency.dto';
import { slugParam } from '../http/params';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { RegisterAgencyCommand } from './admin-commands';
import { servicesOf } from './agency-services';

/** Whether a registered key is one the hub can verify tokens with (a complete public EC, OKP or RSA JWK). */
function isPublicJwk(key: Record<string, unknown>): boolean {
  try {
    return ['ec', 'ed25519', 'ed448', 'rsa'].includes(createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).asymmetricKeyType ?? '');
  } catch {
    return false;
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/agencies')
export class AgenciesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
  ) {}

  @Put(':agencyId')
  @Roles('admin')
  @ApiOperation({ summary: 'Register an agency or replace its registration (keys, delivery, services with their referral deadlines)' })
  async put(@Caller() caller: Principal, @Param('agencyId', slugParam('agencyId')) agencyId: string, @Body() body: PutAgencyDto, @Res({ passthrough: true }) res: Response) {
    if ((body.jwks == null) === (body.jwksUri == null)) throw new ValidationError({ jwks: 'give exactly one of jwks or jwksUri' });
    const privateKey = body.jwks?.keys.findIndex((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((p) => p in k));
    if (privateKey !== undefined && privateKey >= 0) throw new ValidationError({ [`jwks.keys[${privateKey}]`]: 'must be a public key (no private or symmetric parts)' });
    const unusable = body.jwks?.keys.findIndex((k) => !isPublicJwk(k));
    if (unusable !== undefined && unusable >= 0) throw new ValidationError({ [`jwks.keys[${unusable}]`]: 'must be a public EC, OKP or RSA key in JWK form' });
    const profile: AgencyProfile = {
      agencyId,
      name: body.name,
      kind: body.kind,
      issuer: body.issuer,
      ...(body.jwks ? { jwks: { keys: body.jwks.keys } } : { jwksUri: body.jwksUri }),
      delivery: { feed: body.delivery?.feed ?? true, kafka: body.delivery?.kafka ?? false },
      services: servicesOf(body.services),
    };
    const result = await this.commands.execute(new RegisterAgencyCommand(caller, profile));
    res.status(result.created ? 201 : 200).setHeader('ETag', `"${result.revision}"`);
    return { agencyId, revision: result.revision };
  }

  @Get()
  @ApiOperation({ summary: 'The registered agencies with their public keys and delivery' })
  async list() {
    await this.runtime.directory.catchUp();
    return { agencies: this.runtime.directory.allAgencies() };
  }
}
