import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CATEGORIES, Category, CONSENT_METHODS, ConsentMethod, Purpose, PURPOSES } from '@onestop/domain';
import { ExpectedRevisionDto, SLUG } from './common.dto';

export class RecipientsDto {
  @ApiProperty({ type: [String], example: ['housing'] })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(SLUG, { each: true, message: 'each agency must be an agency id' })
  agencies: string[] = [];

  @ApiProperty({ type: [String], example: ['substance-misuse'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  kinds: string[] = [];
}

/** `POST /v1/people/{personId}/consents`: records consent given by the person. */
export class GiveConsentDto extends ExpectedRevisionDto {
  @ApiProperty({ type: RecipientsDto }) @IsObject() @ValidateNested() @Type(() => RecipientsDto) recipients!: RecipientsDto;
  @ApiProperty({ enum: CATEGORIES, isArray: true, maxItems: CATEGORIES.length }) @IsArray() @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true }) categories!: Category[];
  @ApiProperty({ enum: PURPOSES, isArray: true, maxItems: PURPOSES.length }) @IsArray() @ArrayMaxSize(PURPOSES.length) @IsIn(PURPOSES, { each: true }) purposes!: Purpose[];
  @ApiProperty({ enum: CONSENT_METHODS }) @IsIn(CONSENT_METHODS) method!: ConsentMethod;
  @ApiPropertyOptional({ description: 'Reference to the signed form or recording' }) @IsOptional() @IsString() @Length(1, 200) evidenceRef?: string;
  @ApiPropertyOptional({ description: 'Default: now' }) @IsOptional() @IsISO8601({ strict: true }) validFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) validUntil?: string;
}

export class ConsentScopeDto {
  @ApiPropertyOptional({ type: RecipientsDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => RecipientsDto) recipients?: RecipientsDto;
  @ApiPropertyOptional({ enum: CATEGORIES, isArray: true, maxItems: CATEGORIES.length }) @IsOptional() @IsArray() @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true }) categories?: Category[];
  @ApiPropertyOptional({ enum: PURPOSES, isArray: true, maxItems: PURPOSES.length }) @IsOptional() @IsArray() @ArrayMaxSize(PURPOSES.length) @IsIn(PURPOSES, { each: true }) purposes?: Purpose[];
}

/** `POST .../consents/{consentId}/withdraw`: withdraws all of a consent, or only `scope`. */
export class WithdrawConsentDto extends ExpectedRevisionDto {
  @ApiPropertyOptional({ type: ConsentScopeDto, description: 'Withdraw only this part; omit to withdraw it all' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentScopeDto)
  scope?: ConsentScopeDto;
}
