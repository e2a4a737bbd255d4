import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AGENCY_KINDS, AgencyKind } from '@onestop/domain';
import { ExpectedRevisionDto, SLUG } from './common.dto';

export class AgencyDeliveryDto {
  @ApiProperty({ description: 'Read the HTTP feed' }) @IsBoolean() feed!: boolean;
  @ApiProperty({ description: 'Receive on Kafka topics' }) @IsBoolean() kafka!: boolean;
}

/** A deadline: a number of minutes (running through nights and weekends), or of working days. Give exactly one. */
export class DeadlineRuleDto {
  @ApiPropertyOptional({ example: 15, description: 'Minutes from the referral being raised' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43200)
  minutes?: number;

  @ApiPropertyOptional({ example: 2, description: 'Working days (weekends and configured bank holidays skipped), same time of day' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  workingDays?: number;
}

/** A deadline per urgency; an urgency left out keeps the partnership default. */
export class UrgencyDeadlinesDto {
  @ApiPropertyOptional({ type: DeadlineRuleDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => DeadlineRuleDto) immediate?: DeadlineRuleDto;
  @ApiPropertyOptional({ type: DeadlineRuleDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => DeadlineRuleDto) 'same-day'?: DeadlineRuleDto;
  @ApiPropertyOptional({ type: DeadlineRuleDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => DeadlineRuleDto) routine?: DeadlineRuleDto;
}

/**
 * A service's own deadlines to acknowledge, decide (accept or decline) and start. Defaults:
 * acknowledge immediate 15 min, same-day 4 h, routine 2 working days; decide 1 h, 8 h, 5 working
 * days; start 20 working days.
 */
export class ServiceDeadlinesDto {
  @ApiPropertyOptional({ type: UrgencyDeadlinesDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UrgencyDeadlinesDto) acknowledge?: UrgencyDeadlinesDto;
  @ApiPropertyOptional({ type: UrgencyDeadlinesDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UrgencyDeadlinesDto) decide?: UrgencyDeadlinesDto;
  @ApiPropertyOptional({ type: UrgencyDeadlinesDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UrgencyDeadlinesDto) start?: UrgencyDeadlinesDto;
}

export class AgencyServiceDto {
  @ApiProperty({ example: 'detox' }) @Matches(SLUG, { message: 'id must be a slug' }) id!: string;
  @ApiProperty({ example: 'Community detox' }) @IsString() @Length(1, 120) name!: string;
  @ApiPropertyOptional({ type: ServiceDeadlinesDto, example: { acknowledge: { immediate: { minutes: 10 } }, start: { immediate: { workingDays: 1 } } } })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceDeadlinesDto)
  deadlines?: ServiceDeadlinesDto;
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Public JWKs (no private parts)' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  keys!: Array<Record<string, unknown> & { kty: string }>;
}

/** `PUT /v1/agencies/{agencyId}`: registers or replaces an agency. */
export class PutAgencyDto extends ExpectedRevisionDto {
  @ApiProperty({ example: 'Wrexham Council Housing' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: AGENCY_KINDS }) @IsIn(AGENCY_KINDS) kind!: AgencyKind;
  @ApiProperty({ description: 'The `iss` of the agency\'s tokens', example: 'https://idp.housing.example' })
  @IsString()
  @Length(3, 512)
  issuer!: string;

  @ApiPropertyOptional({ type: JwksDto, description: 'Public keys inline (this or jwksUri)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'Where the agency publishes its keys (https)' })
  @IsOptional()
  @Matches(/^(https:\/\/\S+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/\S*)$/, { message: 'jwksUri must be an https URL' })
  jwksUri?: string;

  @ApiPropertyOptional({ type: AgencyDeliveryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => AgencyDeliveryDto) delivery?: AgencyDeliveryDto;

  @ApiPropertyOptional({ type: [AgencyServiceDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AgencyServiceDto)
  services?: AgencyServiceDto[];
}
