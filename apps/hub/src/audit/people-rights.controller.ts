import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HubRuntime, PersonReader } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Caller, Roles } from '../auth/auth.decorators';
import { uuidParam } from '../http/params';
import { PERSON_READER } from '../people/person-reader.provider';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { AccessRecorder } from './access-recorder';
import { ErasureDto, SubjectAccessQueryDto } from './audit.dto';
import { assertDpoConcerned } from './dpo';
import { ErasePersonCommand, ErasureResult } from './erase-person.handler';
import { subjectAccessReport } from './subject-access';
import { renderSubjectAccessHtml } from './subject-access.html';

/** The person's rights, exercised through the DPO: subject access and erasure. */
@ApiTags('audit (DPO)')
@ApiBearerAuth()
@Controller('v1/people/:personId')
@Roles('dpo')
export class PeopleRightsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    @Inject(PERSON_READER) private readonly reader: PersonReader,
    private readonly access: AccessRecorder,
  ) {}

  @Get('subject-access')
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({ summary: 'Everything held about the person (decrypted), every disclosure and every access: JSON, or a printable HTML page with `format=html`' })
  async subjectAccess(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Query() q: SubjectAccessQueryDto, @Res({ passthrough: true }) res: Response) {
    await assertDpoConcerned(caller, this.runtime, personId);
    await this.runtime.projector.catchUp();
    const report = await subjectAccessReport(this.runtime, this.reader, personId);
    await this.access.record(caller, 'subject-access', { personId, shown: report.shown, detail: { format: q.format ?? 'json', events: report.events.length } });
    res.setHeader('Cache-Control', 'no-store');
    if (q.format !== 'html') return report;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return renderSubjectAccessHtml(report);
  }

  @Post('erasure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase the person: destroy their data key (crypto-shredding) and retract everything any agency holds; reads then return 410' })
  async erase(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Body() body: ErasureDto): Promise<ErasureResult> {
    await assertDpoConcerned(caller, this.runtime, personId);
    return this.commands.execute(new ErasePersonCommand(caller, personId, body.reference));
  }
}
