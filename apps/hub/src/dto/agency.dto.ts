import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { AGENCY_KINDS, AgencyKind } from '@onestop/domain';
import { SLUG } from './common.dto';

export class AgencyDeliveryDto {
  @ApiProperty({ description: 'Read the HTTP feed' }) @IsBoolean() feed!: boolean;
  @ApiProperty({ description: 'Receive on Kafka topics' }) @IsBoolean() kafka!: boolean;
}

export class AgencyServiceDto {
  @ApiProperty({ example: 'detox' }) @Matches(SLUG, { message: 'id must be a slug' }) id!: string;
  @ApiProperty({ example: 'Community detox' }) @IsString() @Length(1, 120) name!: string;
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Public JWKs (no private parts)' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  keys!: Array<Record<string, unknown> & { kty: string }>;
}

/** `PUT /v1/agencies/{agencyId}`: registers or replaces an agency. */
export class PutAgencyDto {
  @ApiProperty({ example: 'Wrexham Council Housing' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: AGENCY_KINDS }) @IsIn(AGENCY_KINDS) kind!: AgencyKind;
  @ApiProperty({ description: 'The `iss` of the agency\'s tokens', example: 'https://idp.housing.example' })
  @IsString()
  @Length(3, 512)
  issuer!: string;

  @ApiPropertyOptional({ type: JwksDto, description: 'Public keys inline (this or jwksUri)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks?: JwksDto;

  @ApiPropertyOptional({ description: 'Where the agency publishes its keys (https)' })
  @IsOptional()
  @Matches(/^(https:\/\/\S+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/\S*)$/, { message: 'jwksUri must be an https URL' })
  jwksUri?: string;

  @ApiPropertyOptional({ type: AgencyDeliveryDto }) @IsOptional() @ValidateNested() @Type(() => AgencyDeliveryDto) delivery?: AgencyDeliveryDto;

  @ApiPropertyOptional({ type: [AgencyServiceDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AgencyServiceDto)
  services?: AgencyServiceDto[];
}
