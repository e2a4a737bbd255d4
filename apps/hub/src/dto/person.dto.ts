import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { NEED_LEVELS, NeedLevel } from '@onestop/domain';
import { CalendarDate, ExpectedRevisionDto, NhsNumber, PlainText } from './common.dto';

export class IdentifiersDto {
  @ApiPropertyOptional({ example: '9434765919', description: 'Ten digits, the last the modulus 11 check digit' })
  @IsOptional()
  @NhsNumber('nhsNumber')
  nhsNumber?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) policeRef?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) councilRef?: string;
}

export class ContactDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[+0-9 ()-]{6,20}$/, { message: 'phone must be a phone number' }) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) address?: string;
}

/** `POST /v1/people`: registers a person. */
export class RegisterPersonDto {
  @ApiProperty({ example: 'Alex Jones' }) @IsString() @Length(1, 200) @PlainText('name') name!: string;
  @ApiProperty({ example: '1990-04-12' }) @CalendarDate('dateOfBirth', { birth: true }) dateOfBirth!: string;
  @ApiPropertyOptional({ type: IdentifiersDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => IdentifiersDto) identifiers?: IdentifiersDto;
  @ApiPropertyOptional({ type: ContactDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ContactDto) contact?: ContactDto;
}

export class NeedEntryDto {
  @ApiProperty({ enum: NEED_LEVELS }) @IsIn(NEED_LEVELS) level!: NeedLevel;
  @ApiProperty({ example: 'Sleeping rough near the bus station' }) @IsString() @Length(1, 500) summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 4000) details?: string;
}

/** Needs keyed by category; each entry belongs to that category. */
export class NeedsDto {
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) accommodation?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) 'substance-use'?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) 'mental-health'?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) 'physical-health'?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) finances?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) offending?: NeedEntryDto;
  @ApiPropertyOptional({ type: NeedEntryDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NeedEntryDto) safeguarding?: NeedEntryDto;
}

/** `POST /v1/people/{personId}/assessments`: records a needs assessment. */
export class AssessmentDto extends ExpectedRevisionDto {
  @ApiProperty({ type: NeedsDto }) @IsObject() @ValidateNested() @Type(() => NeedsDto) needs!: NeedsDto;
}

/** `POST /v1/people/{personId}/check-ins`: records a weekly check-in. */
export class CheckInDto extends ExpectedRevisionDto {
  @ApiProperty({ type: NeedsDto }) @IsObject() @ValidateNested() @Type(() => NeedsDto) changes!: NeedsDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 4000) note?: string;
}

/** `GET /v1/people?name=&dob=`: exact match on name and date of birth. */
export class PeopleQueryDto {
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ example: '1990-04-12' }) @IsOptional() @CalendarDate('dob') dob?: string;
}
