import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { ReplyToReferral, ValidationError } from '@onestop/domain';
import { Caller, Roles } from '../auth/auth.decorators';
import { RaiseReferralDto, ReferralQueryDto, ReferralReplyDto } from '../dto/referral.dto';
import { ifMatchRevision, uuidParam } from '../http/params';
import { viewerOf } from '../http/viewer';
import { expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { ExecuteReferralCommand, ReferralCommandResult } from './referral-command';
import { ragStatus } from './referral-board';

const ACTIONS: Record<string, ReplyToReferral['type']> = {
  acknowledge: 'Acknowledge',
  accept: 'Accept',
  decline: 'Decline',
  start: 'Start',
  complete: 'Complete',
  withdraw: 'Withdraw',
};

interface ReferralRow {
  referral_id: string;
  person_id: string;
  from_agency: string;
  to_agency: string;
  service: string;
  urgency: string;
  status: string;
  created_at: string;
  raised_at: string | null;
  acknowledge_by: string | null;
  updated_at: string;
  escalations: number;
  revision: number;
}

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
  ) {}

  @Post()
  @Roles('caseworker')
  @ApiOperation({ summary: 'Raise a referral to another agency\'s service, or prepare one that waits for consent' })
  async raise(@Caller() caller: Principal, @Body() body: RaiseReferralDto, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const referralId = randomUUID();
    const type = body.waitForConsent ? ('PrepareReferral' as const) : ('RaiseReferral' as const);
    const command = { type, referralId, personId: body.personId, fromAgency: caller.agencyId, toAgency: body.toAgency, service: body.service, urgency: body.urgency, reason: body.reason };
    const result: ReferralCommandResult = await this.commands.execute(new ExecuteReferralCommand(caller, referralId, command));
    const raised = result.events.find((e) => e.type === 'ReferralRaised.v1');
    res.setHeader('ETag', `"${result.revision}"`).setHeader('Location', `/v1/referrals/${referralId}`);
    return {
      referralId,
      status: raised ? 'raised' : 'prepared',
      acknowledgeBy: raised && 'acknowledgeBy' in raised.data ? raised.data.acknowledgeBy : null,
      revision: result.revision,
    };
  }

  @Post(':referralId/:action')
  @HttpCode(200)
  @Roles('caseworker', 'system')
  @ApiParam({ name: 'action', enum: Object.keys(ACTIONS) })
  @ApiOperation({ summary: 'Acknowledge, accept, decline, start or complete (receiving agency), or withdraw (referring agency)' })
  async reply(
    @Caller() caller: Principal,
    @Param('referralId', uuidParam('referralId')) referralId: string,
    @Param('action') action: string,
    @Body() body: ReferralReplyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const type = ACTIONS[action];
    if (!type) throw new ValidationError({ action: `must be one of ${Object.keys(ACTIONS).join(', ')}` });
    const command: ReplyToReferral = { type, byAgency: caller.agencyId, ...(body.reason ? { reason: body.reason } : {}), ...(body.outcome ? { outcome: body.outcome } : {}) };
    const result: ReferralCommandResult = await this.commands.execute(new ExecuteReferralCommand(caller, referralId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { referralId, status: result.events[0]?.type.replace(/^Referral|\.v1$/g, '').toLowerCase(), revision: result.revision };
  }

  @Get()
  @Roles('caseworker', 'system')
  @ApiOperation({ summary: 'The caller\'s agency\'s incoming and outgoing referrals, soonest deadline first, with red/amber/green status' })
  async list(@Caller() caller: Principal, @Query() query: ReferralQueryDto) {
    const viewer = viewerOf(caller, this.runtime.directory);
    await this.runtime.projector.catchUp();
    const me = viewer.agency.agencyId;
    const where = ['(to_agency = @me OR from_agency = @me)'];
    if (query.status) where.push('status = @status');
    if (query.toAgency) where.push('to_agency = @toAgency');
    if (query.fromAgency) where.push('from_agency = @fromAgency');
    const rows = this.runtime.db
      .prepare(`SELECT * FROM rm_referrals WHERE ${where.join(' AND ')} ORDER BY acknowledge_by IS NULL, acknowledge_by, created_at LIMIT 500`)
      .all({ me, status: query.status, toAgency: query.toAgency, fromAgency: query.fromAgency }) as ReferralRow[];
    const now = this.runtime.clock.now().getTime();
    return {
      referrals: rows.map((r) => ({
        referralId: r.referral_id,
        personId: r.person_id,
        pseudonym: this.runtime.pseudonymizer.pseudonym(me, r.person_id),
        direction: r.to_agency === me ? 'incoming' : 'outgoing',
        fromAgency: r.from_agency,
        toAgency: r.to_agency,
        service: r.service,
        urgency: r.urgency,
        status: r.status,
        raisedAt: r.raised_at,
        acknowledgeBy: r.acknowledge_by,
        rag: ragStatus(r.status, r.raised_at, r.acknowledge_by, now),
        escalations: r.escalations,
        revision: r.revision,
      })),
    };
  }
}
