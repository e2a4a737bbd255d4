import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { AUDIT_KINDS, AuditKind } from '@onestop/audit';
import { BREAK_GLASS_MAX_MINUTES, BREAK_GLASS_OUTCOMES, BreakGlassOutcome, PURPOSES, Purpose } from '@onestop/domain';
import { LaterThan, SLUG } from '../dto/common.dto';

/** `GET /v1/audit/records`: every filter optional; they combine with AND. */
export class AuditRecordsQueryDto {
  @ApiPropertyOptional({ description: 'Records about this person (hub id)' }) @IsOptional() @IsUUID('4') personId?: string;
  @ApiPropertyOptional({ description: 'The agency that acted or received' }) @IsOptional() @Matches(SLUG, { message: 'agencyId must be an agency id' }) agencyId?: string;
  @ApiPropertyOptional({ enum: AUDIT_KINDS }) @IsOptional() @IsIn(AUDIT_KINDS) kind?: AuditKind;
  @ApiPropertyOptional({ description: 'From this instant (ISO 8601), inclusive' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Until this instant (ISO 8601), exclusive; later than `from`' }) @IsOptional() @IsISO8601() @LaterThan('from', 'to') to?: string;
  @ApiPropertyOptional({ description: 'Records after this sequence number (the `next` of the previous page)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) after?: number;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

/** `POST /v1/audit/verify`: check the log against a checkpoint exported earlier. */
export class VerifyWithCheckpointDto {
  @ApiProperty({ description: 'A checkpoint as exported by `POST /v1/audit/checkpoints`: `{ payload, signature }`' }) @IsObject() checkpoint!: Record<string, unknown>;
}

/** `GET /v1/audit/explain?personId=&agencyId=&at=`. */
export class ExplainQueryDto {
  @ApiProperty() @IsUUID('4') personId!: string;
  @ApiProperty() @Matches(SLUG, { message: 'agencyId must be an agency id' }) agencyId!: string;
  @ApiProperty({ description: 'The moment to explain (ISO 8601)' }) @IsISO8601() at!: string;
  @ApiPropertyOptional({ enum: PURPOSES, description: 'Only this purpose (default: every purpose)' }) @IsOptional() @IsIn(PURPOSES) purpose?: Purpose;
}

/** `GET /v1/audit/disclosures.csv?agencyId=&from=&to=`. */
export class DisclosureReportQueryDto {
  @ApiProperty() @Matches(SLUG, { message: 'agencyId must be an agency id' }) agencyId!: string;
  @ApiProperty({ description: 'From this instant (ISO 8601), inclusive' }) @IsISO8601() from!: string;
  @ApiProperty({ description: 'Until this instant (ISO 8601), exclusive; later than `from`' }) @IsISO8601() @LaterThan('from', 'to') to!: string;
}

/** `GET /v1/audit/retractions?agencyId=`: retractions not yet acknowledged. */
export class OutstandingRetractionsQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(SLUG, { message: 'agencyId must be an agency id' }) agencyId?: string;
}

/** `POST /v1/people/{personId}/break-glass`: emergency access under vital interests. */
export class OpenBreakGlassDto {
  @ApiProperty({ description: 'Why emergency access is needed now, in writing', minLength: 10, maxLength: 2000 }) @IsString() @Length(10, 2000) reason!: string;
  @ApiProperty({ description: `How long, in minutes (at most ${BREAK_GLASS_MAX_MINUTES})`, minimum: 1, maximum: BREAK_GLASS_MAX_MINUTES })
  @IsInt()
  @Min(1)
  @Max(BREAK_GLASS_MAX_MINUTES)
  minutes!: number;
}

/** `GET /v1/audit/break-glass?status=`. */
export class BreakGlassQueueQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'reviewed', 'all'], default: 'pending' }) @IsOptional() @IsIn(['pending', 'reviewed', 'all']) status?: 'pending' | 'reviewed' | 'all';
}

/** `POST /v1/audit/break-glass/{grantId}/review`: the DPO's finding. */
export class ReviewBreakGlassDto {
  @ApiProperty({ enum: BREAK_GLASS_OUTCOMES }) @IsIn(BREAK_GLASS_OUTCOMES) outcome!: BreakGlassOutcome;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @Length(1, 4000) note?: string;
}

/** `POST /v1/people/{personId}/erasure`: optionally the DPO's case reference. */
export class ErasureDto {
  @ApiPropertyOptional({ description: 'The DPO\'s case reference for the erasure request (letters, digits, . _ / -)', example: 'DPO-2025-014' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._/-]{1,60}$/, { message: 'reference must be a case reference (letters, digits, . _ / -)' })
  reference?: string;
}

/** `GET /v1/people/{personId}/subject-access?format=`. */
export class SubjectAccessQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'html'], default: 'json' }) @IsOptional() @IsIn(['json', 'html']) format?: 'json' | 'html';
}
