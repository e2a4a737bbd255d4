import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

/** `GET /v1/feed?after=&limit=`. */
export class FeedQueryDto {
  @ApiPropertyOptional({ description: 'The cursor of the last message read (omit to start from the beginning)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'after must be a cursor returned by the feed' })
  after?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** `POST /v1/feed/acks`: the agency confirms it applied retractions (deleted what they listed). */
export class FeedAcksDto {
  @ApiProperty({ type: [String], description: 'Ids of retraction messages applied' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each retraction id must be a UUID' })
  retractionIds!: string[];
}
