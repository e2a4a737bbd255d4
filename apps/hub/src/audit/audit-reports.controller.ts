import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { AuditRecord } from '@onestop/audit';
import { Caller, Roles } from '../auth/auth.decorators';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';
import { AccessRecorder } from './access-recorder';
import { DisclosureReportQueryDto, ExplainQueryDto, OutstandingRetractionsQueryDto } from './audit.dto';
import { assertPartnershipDpo, hasPublisherTables } from './dpo';
import { explainAt } from './explain';

const CSV_COLUMNS = ['seq', 'at', 'agency', 'subject', 'event_id', 'event_type', 'message_id', 'purpose', 'basis', 'agreement_id', 'agreement_version', 'grant', 'consent_id', 'categories', 'fields', 'record_hash'];

const csvCell = (value: unknown): string => {
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function csvRow(r: AuditRecord): string {
  const d = r.detail ?? {};
  return [r.seq, r.at, r.agencyId, r.subject, d.eventId, d.eventType, d.messageId, r.purpose, d.basis, d.agreementId, d.agreementVersion, d.grant, d.consentId, r.categories, r.fields, r.hash].map(csvCell).join(',');
}

/** What a DPO asks of the log: why an agency could see something, what it received, what it still holds. */
@ApiTags('audit (DPO)')
@ApiBearerAuth()
@Controller('v1/audit')
@Roles('dpo')
export class AuditReportsController {
  constructor(
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    private readonly access: AccessRecorder,
  ) {}

  @Get('explain')
  @ApiOperation({ summary: 'Why the agency could or could not see each category of the person\'s data at that moment, replayed with the agreements and consents in force then' })
  async explain(@Caller() caller: Principal, @Query() q: ExplainQueryDto) {
    assertPartnershipDpo(caller, this.runtime);
    const at = new Date(q.at).toISOString();
    const answer = await explainAt(this.runtime, q.personId, q.agencyId, at, q.purpose);
    await this.access.record(caller, 'audit-explain', { personId: q.personId, detail: { agencyId: q.agencyId, at } });
    return answer;
  }

  @Get('disclosures.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Every disclosure to one agency in a period, as CSV (one row per message, with basis, agreement version and grant)' })
  async disclosures(@Caller() caller: Principal, @Query() q: DisclosureReportQueryDto, @Res({ passthrough: true }) res: Response) {
    assertPartnershipDpo(caller, this.runtime);
    const from = new Date(q.from).toISOString();
    const to = new Date(q.to).toISOString();
    const lines = [CSV_COLUMNS.join(',')];
    for (let after = 0; ; ) {
      const page = this.runtime.audit.log.query({ kind: 'disclosure', agencyId: q.agencyId, from, to, afterSeq: after, limit: 1000 });
      lines.push(...page.map(csvRow));
      if (page.length < 1000) break;
      after = page[page.length - 1].seq;
    }
    await this.access.record(caller, 'audit-disclosure-report', { detail: { agencyId: q.agencyId, from, to, rows: lines.length - 1 } });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="disclosures-${q.agencyId}-${from.slice(0, 10)}-${to.slice(0, 10)}.csv"`);
    return lines.join('\r\n') + '\r\n';
  }

  @Get('retractions')
  @ApiOperation({ summary: 'Retractions agencies have not yet acknowledged, oldest first' })
  retractions(@Caller() caller: Principal, @Query() q: OutstandingRetractionsQueryDto) {
    assertPartnershipDpo(caller, this.runtime);
    if (!hasPublisherTables(this.runtime)) return { retractions: [] };
    const rows = this.runtime.db
      .prepare(`SELECT * FROM pub_retractions WHERE acknowledged_at IS NULL ${q.agencyId ? 'AND agency_id = ?' : ''} ORDER BY created_at LIMIT 1000`)
      .all(...(q.agencyId ? [q.agencyId] : [])) as Array<Record<string, string>>;
    const now = this.runtime.clock.now().getTime();
    return {
      retractions: rows.map((r) => ({
        retractionId: r.message_id,
        agencyId: r.agency_id,
        personId: r.person_id,
        reason: r.reason,
        causeEventId: r.cause_event_id,
        messages: (JSON.parse(r.retracted_ids) as string[]).length,
        createdAt: r.created_at,
        outstandingMinutes: Math.max(0, Math.floor((now - Date.parse(r.created_at)) / 60_000)),
      })),
    };
  }
}
