import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { HubRuntime, PersonReader, summarise, withConsentsAsTheyStand } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { Caller, Roles } from '../auth/auth.decorators';
import { PeopleQueryDto, RegisterPersonDto } from '../dto/person.dto';
import { noQuery, uuidParam } from '../http/params';
import { viewerOf } from '../http/viewer';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { ExecutePersonCommand, PersonCommandResult } from './person-command';
import { PERSON_READER } from './person-reader.provider';
import { AccessRecorder } from '../audit/access-recorder';
import { AuditedReads } from '../audit/audited-reads';

@ApiTags('people')
@ApiBearerAuth()
@Controller('v1/people')
export class PeopleController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    @Inject(PERSON_READER) private readonly reader: PersonReader,
    private readonly reads: AuditedReads,
    private readonly access: AccessRecorder,
  ) {}

  @Post()
  @Roles('caseworker')
  @ApiOperation({ summary: 'Register a person' })
  async register(@Caller() caller: Principal, @Body() body: RegisterPersonDto, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const personId = randomUUID();
    const command = { type: 'RegisterPerson' as const, personId, name: body.name, dateOfBirth: body.dateOfBirth, identifiers: { ...body.identifiers }, contact: { ...body.contact } };
    const result: PersonCommandResult = await this.commands.execute(new ExecutePersonCommand(caller, personId, command));
    res.setHeader('ETag', `"${result.revision}"`).setHeader('Location', `/v1/people/${personId}`);
    return { personId, revision: result.revision, pseudonym: this.reader.pseudonym(caller.agencyId, personId) };
  }

  @Get()
  @Roles('caseworker', 'dpo')
  @ApiOperation({ summary: 'Find people by exact name (and date of birth) among those the caller\'s agency may identify' })
  async search(@Caller() caller: Principal, @Query() query: PeopleQueryDto) {
    const viewer = viewerOf(caller, this.runtime.directory);
    await this.runtime.projector.catchUp();
    const idx = this.runtime.blindIndex;
    const sql = query.dob
      ? 'SELECT person_id FROM rm_people WHERE name_index = ? AND dob_index = ? AND erased_at IS NULL'
      : 'SELECT person_id FROM rm_people WHERE name_index = ? AND erased_at IS NULL';
    const args = query.dob ? [idx.name(query.name), idx.dateOfBirth(query.dob)] : [idx.name(query.name)];
    const ids = this.runtime.db.prepare(sql).pluck().all(...args) as string[];
    const now = this.runtime.nowIso();
    const people = [];
    for (const id of ids.slice(0, 50)) {
      const history = await this.reader.visibleHistory(id, viewer, now).catch(() => []);
      const summary = summarise(this.reader.pseudonym(viewer.agency.agencyId, id), history, -1);
      if (summary.identity?.name) people.push({ personId: id, pseudonym: summary.pseudonym, name: summary.identity.name, dateOfBirth: summary.identity.dateOfBirth });
    }
    const shown = { fields: ['dateOfBirth', 'name', 'personId'], categories: ['identity' as const] };
    await this.access.recordMany(caller, 'search', people.map((p) => ({ personId: p.personId, purpose: viewer.purpose, shown })));
    return { people };
  }

  @Get(':personId')
  @Roles('caseworker', 'dpo')
  @ApiOperation({ summary: 'The person\'s current summary, as the caller\'s agency may see it' })
  async get(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Query(noQuery) _query: Record<string, never>, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const events = await this.reader.events(personId);
    const { viewer, history, grant } = await this.reads.history(caller, personId, 'read');
    const revision = events.filter((e) => e.stream === `person-${personId}`).length - 1;
    res.setHeader('ETag', `"${revision}"`);
    const now = this.runtime.nowIso();
    const summary = withConsentsAsTheyStand(summarise(this.reader.pseudonym(viewer.agency.agencyId, personId), history, revision), PersonReader.consentsAt(events, now), now);
    return grant ? { ...summary, breakGlass: { grantId: grant.grant_id, basis: 'vital-interests', until: grant.until } } : summary;
  }

  @Get(':personId/history')
  @Roles('caseworker', 'dpo')
  @ApiOperation({ summary: 'The person\'s timeline, filtered for the caller\'s agency and purpose' })
  async history(@Caller() caller: Principal, @Param('personId', uuidParam('personId')) personId: string, @Query(noQuery) _query: Record<string, never>, @Res() res: Response) {
    const { viewer, history: events, grant, erasures } = await this.reads.history(caller, personId, 'history');
    const breakGlass = grant ? { grantId: grant.grant_id, basis: 'vital-interests', until: grant.until } : undefined;
    // Sent as bytes made mostly of JSON already made (a history is most of a megabyte).
    res.type('json').send(this.reader.historyBody({ pseudonym: this.reader.pseudonym(viewer.agency.agencyId, personId), purpose: viewer.purpose, events, breakGlass }, erasures));
  }
}
