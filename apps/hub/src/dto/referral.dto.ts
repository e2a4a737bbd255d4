import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
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
