import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { REFERRAL_STATUSES, ReferralStatus, URGENCIES, Urgency } from '@onestop/domain';
import { ExpectedRevisionDto, SLUG } from './common.dto';

/** `POST /v1/referrals`: raises a referral now, or prepares one that waits for consent. */
export class RaiseReferralDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4') personId!: string;
  @ApiProperty({ example: 'sms' }) @Matches(SLUG, { message: 'toAgency must be an agency id' }) toAgency!: string;
  @ApiProperty({ example: 'detox' }) @Matches(SLUG, { message: 'service must be a slug' }) service!: string;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES) urgency!: Urgency;
  @ApiProperty({ example: 'Asked for help with detox today' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiPropertyOptional({ description: 'Prepare it and raise it the moment consent covers it', default: false })
  @IsOptional()
  @IsBoolean()
  waitForConsent?: boolean;
}

/** A reply to a referral: reason for decline/withdraw, outcome for complete. */
export class ReferralReplyDto extends ExpectedRevisionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) outcome?: string;
}

/** `GET /v1/referrals?status=&toAgency=`. */
export class ReferralQueryDto {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES }) @IsOptional() @IsIn(REFERRAL_STATUSES) status?: ReferralStatus;
  @ApiPropertyOptional() @IsOptional() @Matches(SLUG, { message: 'toAgency must be an agency id' }) toAgency?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(SLUG, { message: 'fromAgency must be an agency id' }) fromAgency?: string;
}

/** `GET /v1/referrals/measures?from=&to=&service=&urgency=`: the period is of when referrals were raised. */
export class ReferralMeasuresQueryDto {
  @ApiPropertyOptional({ description: 'Start of the period (inclusive, ISO 8601); default 30 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or instant' })
  from?: string;

  @ApiPropertyOptional({ description: 'End of the period (exclusive, ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or instant' })
  to?: string;

  @ApiPropertyOptional({ example: 'detox' }) @IsOptional() @Matches(SLUG, { message: 'service must be a slug' }) service?: string;
  @ApiPropertyOptional({ enum: URGENCIES }) @IsOptional() @IsIn(URGENCIES) urgency?: Urgency;
}
