import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Caller, Roles } from '../auth/auth.decorators';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { AccessRecorder } from './access-recorder';
import { AuditRecordsQueryDto, VerifyWithCheckpointDto } from './audit.dto';
import { assertPartnershipDpo } from './dpo';

const iso = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());

/**
 * The audit log for data-protection officers: read-only. There is no call that writes, edits or
 * deletes a record; checkpoints can be signed on demand and exported.
 */
@ApiTags('audit (DPO)')
@ApiBearerAuth()
@Controller('v1/audit')
@Roles('dpo')
export class AuditController {
  constructor(
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    private readonly access: AccessRecorder,
  ) {}

  @Get('records')
  @ApiOperation({ summary: 'Audit records filtered by person, agency, kind and period, oldest first; page with `after=<next>`' })
  async records(@Caller() caller: Principal, @Query() q: AuditRecordsQueryDto) {
    assertPartnershipDpo(caller, this.runtime);
    await this.runtime.audit.admin.catchUp();
    const records = this.runtime.audit.log.query({ personId: q.personId, agencyId: q.agencyId, kind: q.kind, from: iso(q.from), to: iso(q.to), afterSeq: q.after, limit: q.limit });
    const limit = q.limit ?? 100;
    await this.access.record(caller, 'audit-records', { personId: q.personId, detail: { filters: { agencyId: q.agencyId, kind: q.kind, from: q.from, to: q.to }, records: records.length } });
    return { records, next: records.length === limit ? records[records.length - 1].seq : null };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Check the whole log against its hash chain and signed checkpoints; names the first bad record' })
  async verify(@Caller() caller: Principal) {
    assertPartnershipDpo(caller, this.runtime);
    return this.runtime.audit.log.verify();
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the whole log, and that it still matches a checkpoint exported earlier' })
  async verifyAgainst(@Caller() caller: Principal, @Body() body: VerifyWithCheckpointDto) {
    assertPartnershipDpo(caller, this.runtime);
    return this.runtime.audit.log.verify({ exportedCheckpoint: body.checkpoint });
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Every signed checkpoint (`{ payload, signature }`, EdDSA with the hub key in /.well-known/jwks.json)' })
  checkpoints(@Caller() caller: Principal) {
    assertPartnershipDpo(caller, this.runtime);
    return { checkpoints: this.runtime.audit.log.checkpoints(), jwks: this.runtime.signer.jwks };
  }

  @Post('checkpoints')
  @ApiOperation({ summary: 'Sign a checkpoint over every record not yet covered and return it for export (keep it elsewhere)' })
  async export(@Caller() caller: Principal) {
    assertPartnershipDpo(caller, this.runtime);
    await this.runtime.audit.admin.catchUp();
    const checkpoint = await this.runtime.audit.log.checkpoint();
    return { checkpoint: checkpoint ?? null, jwks: this.runtime.signer.jwks };
  }
}
