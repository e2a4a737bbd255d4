import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BreakGlassGrantRow, HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Caller, Roles } from '../auth/auth.decorators';
import { uuidParam } from '../http/params';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { BreakGlassQueueQueryDto, OpenBreakGlassDto, ReviewBreakGlassDto } from './audit.dto';
import { OpenBreakGlassCommand, ReviewBreakGlassCommand } from './break-glass.handlers';
import { AccessRecorder } from './access-recorder';
import { assertPartnershipDpo } from './dpo';

/**
 * Break-glass: a caseworker opens time-boxed emergency access to a person under vital interests;
 * it lands at once in the DPO's review queue, with every read made under it.
 */
@ApiTags('break-glass')
@ApiBearerAuth()
@Controller()
export class BreakGlassController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    private readonly access: AccessRecorder,
  ) {}

  @Post('v1/people/:personId/break-glass')
  @Roles('caseworker')
  @ApiOperation({ summary: 'Open emergency access to the person (vital interests) for at most 4 hours, with a written reason; the DPO reviews it' })
  open(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Body() body: OpenBreakGlassDto) {
    return this.commands.execute(new OpenBreakGlassCommand(caller, personId, body.reason, body.minutes));
  }

  @Get('v1/audit/break-glass')
  @Roles('dpo')
  @ApiOperation({ summary: 'The DPO\'s review queue: break-glass grants (pending first), with their reason and the reads made under them' })
  async queue(@Caller() caller: Principal, @Query() q: BreakGlassQueueQueryDto) {
    assertPartnershipDpo(caller, this.runtime);
    const rows = this.runtime.audit.breakGlass.queue(q.status ?? 'pending');
    const grants = await Promise.all(rows.map((row) => this.describe(row)));
    const shown = grants.filter((g) => g.reason !== null);
    const facts = shown.map((g) => ({ personId: g.personId, shown: { fields: ['reason'], categories: ['safeguarding' as const] }, detail: { grantId: g.grantId } }));
    await this.access.recordMany(caller, 'break-glass-queue', facts);
    return { grants };
  }

  @Post('v1/audit/break-glass/:grantId/review')
  @HttpCode(200)
  @Roles('dpo')
  @ApiOperation({ summary: 'Record the DPO\'s review of a break-glass grant: justified or not, with a note' })
  review(@Caller() caller: Principal, @Param('grantId', uuidParam('grantId')) grantId: string, @Body() body: ReviewBreakGlassDto) {
    assertPartnershipDpo(caller, this.runtime);
    return this.commands.execute(new ReviewBreakGlassCommand(caller, grantId, body.outcome, body.note));
  }

  private async describe(row: BreakGlassGrantRow) {
    const { runtime } = this;
    const events = runtime.keys.destroyedAt(row.person_id) ? [] : await runtime.repository.readStream(`person-${row.person_id}`);
    const opened = events.find((e) => e.type === 'BreakGlassOpened.v1' && (e.data as { grantId?: string }).grantId === row.grant_id);
    const reads = [];
    for (let after = 0; ; ) {
      const page = runtime.audit.log.query({ personId: row.person_id, kind: 'access', afterSeq: after, limit: 1000 });
      reads.push(...page.filter((r) => r.detail?.breakGlass === true && r.detail?.grantId === row.grant_id).map((r) => ({ seq: r.seq, at: r.at, action: r.detail?.action, categories: r.categories })));
      if (page.length < 1000) break;
      after = page[page.length - 1].seq;
    }
    return {
      grantId: row.grant_id,
      personId: row.person_id,
      agencyId: row.agency_id,
      actor: row.actor,
      basis: 'vital-interests',
      openedAt: row.opened_at,
      until: row.until,
      active: Date.parse(row.until) > runtime.clock.now().getTime(),
      reason: (opened?.data as { reason?: string } | undefined)?.reason ?? null,
      reads,
      review: row.reviewed_at ? { outcome: row.outcome, reviewedAt: row.reviewed_at, reviewedBy: row.reviewed_by } : null,
    };
  }
}
