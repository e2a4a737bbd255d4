import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';

/** Optimistic concurrency: the stream revision the caller last read (also accepted as `If-Match`). */
export class ExpectedRevisionDto {
  @ApiPropertyOptional({ description: 'The revision the caller last saw; a stale one gets 409.', minimum: -1 })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number;
}

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const SLUG = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/;
