import { Body, Controller, Headers, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Category, NeedEntry } from '@onestop/domain';
import { Caller, Roles } from '../auth/auth.decorators';
import { AssessmentDto, CheckInDto, NeedsDto } from '../dto/person.dto';
import { ifMatchRevision, uuidParam } from '../http/params';
import { viewerOf } from '../http/viewer';
import { expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { ExecutePersonCommand, PersonCommandResult } from './person-command';

const needsOf = (dto: NeedsDto): Partial<Record<Category, NeedEntry>> =>
  Object.fromEntries(
    Object.entries(dto)
      .filter(([, v]) => v != null)
      .map(([k, v]) => [k, { level: v.level, summary: v.summary, ...(v.details ? { details: v.details } : {}) }]),
  );

@ApiTags('profile')
@ApiBearerAuth()
@Controller('v1/people/:personId')
export class ProfileController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
  ) {}

  @Post('assessments')
  @Roles('caseworker')
  @ApiOperation({ summary: 'Record a needs assessment (level and summary per category)' })
  async assess(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Body() body: AssessmentDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const assessmentId = randomUUID();
    const command = { type: 'AssessNeeds' as const, assessmentId, needs: needsOf(body.needs) };
    const result: PersonCommandResult = await this.commands.execute(new ExecutePersonCommand(caller, personId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { assessmentId, revision: result.revision };
  }

  @Post('check-ins')
  @Roles('caseworker')
  @ApiOperation({ summary: 'Record a weekly check-in (changed circumstances per category)' })
  async checkIn(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Body() body: CheckInDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const checkInId = randomUUID();
    const command = { type: 'RecordCheckIn' as const, checkInId, changes: needsOf(body.changes), ...(body.note ? { note: body.note } : {}) };
    const result: PersonCommandResult = await this.commands.execute(new ExecutePersonCommand(caller, personId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { checkInId, revision: result.revision };
  }
}
