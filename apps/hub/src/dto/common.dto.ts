import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';

/** Optimistic concurrency: the stream revision the caller last read (also accepted as `If-Match`). */
export class ExpectedRevisionDto {
  @ApiPropertyOptional({ description: 'The revision the caller last saw; a stale one gets 409.', minimum: -1 })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  expectedRevision?: number;
}

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const SLUG = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/;

/** Whether `value` is a day that exists, written `YYYY-MM-DD` (no 31 February, no 29 February 2025). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const day = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

/**
 * The field is a day that exists, `YYYY-MM-DD`. With `birth`, a date of birth: not after today
 * (a day's grace for time zones) and not before 1900.
 */
export function CalendarDate(field: string, { birth = false }: { birth?: boolean } = {}): PropertyDecorator {
  const message = birth ? `${field} must be a date YYYY-MM-DD that exists, from 1900 to today` : `${field} must be a date YYYY-MM-DD that exists`;
  return ValidateBy({
    name: 'calendarDate',
    validator: {
      validate: (value: unknown) => {
        if (!isCalendarDay(value)) return false;
        if (!birth) return true;
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        return value >= '1900-01-01' && value <= tomorrow;
      },
      defaultMessage: () => message,
    },
  });
}
