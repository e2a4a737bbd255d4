import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORIES, Category, LAWFUL_BASES, LawfulBasis, Purpose, PURPOSES } from '@onestop/domain';
import { CalendarDate, ExpectedRevisionDto } from './common.dto';

const RECIPIENT = /^([a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}|kind:[a-z-]{2,40})$/;

export class GrantDto {
  @ApiProperty({ description: 'Agency id, or kind:<agency kind>', example: 'housing' })
  @Matches(RECIPIENT, { message: 'recipient must be an agency id or kind:<kind>' })
  recipient!: string;

  @ApiProperty({ enum: CATEGORIES, isArray: true, maxItems: CATEGORIES.length }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(CATEGORIES.length) @IsIn(CATEGORIES, { each: true }) categories!: Category[];
  @ApiProperty({ enum: PURPOSES, isArray: true, maxItems: PURPOSES.length }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(PURPOSES.length) @IsIn(PURPOSES, { each: true }) purposes!: Purpose[];
  @ApiProperty({ enum: LAWFUL_BASES }) @IsIn(LAWFUL_BASES) basis!: LawfulBasis;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() consentRequired?: boolean;
  @ApiPropertyOptional({ default: 365, minimum: 1, maximum: 3650 }) @IsOptional() @IsInt() @Min(1) @Max(3650) retentionDays?: number;
}

/** `PUT /v1/agreements/{agreementId}`: publishes the next version of an agreement. */
export class PutAgreementDto extends ExpectedRevisionDto {
  @ApiProperty({ example: 'Wrexham town-centre one-stop shop ISP' }) @IsString() @Length(1, 200) title!: string;
  @ApiProperty({ type: [String], description: 'Agency ids or kind:<kind>. Every grant recipient must be a party (an agency named, or of a kind named; a kind, named or of a party agency).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(RECIPIENT, { each: true, message: 'each party must be an agency id or kind:<kind>' })
  parties!: string[];

  @ApiProperty({ type: [GrantDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => GrantDto)
  grants!: GrantDto[];

  @ApiPropertyOptional({ description: 'When the version takes effect (default: now)' }) @IsOptional() @IsISO8601({ strict: true }) effectiveFrom?: string;
  @ApiProperty({ example: '2027-06-30', description: 'After this date the version grants nothing' })
  @CalendarDate('reviewDate')
  reviewDate!: string;
}
