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

/** A C0 control character or DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Half of a UTF-16 surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The field is text a person would write: not blank, no control characters, and well-formed
 * Unicode (no lone surrogate, which no encoding could store faithfully).
 */
export function PlainText(field: string): PropertyDecorator {
  return ValidateBy({
    name: 'plainText',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /\S/.test(value) && !CONTROL.test(value) && !LONE_SURROGATE.test(value),
      defaultMessage: () => `${field} must be text: not blank, without control characters`,
    },
  });
}

/** Whether `value` is an NHS number: ten digits whose last is the modulus 11 check digit of the other nine. */
function isNhsNumber(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 9)].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === Number(value[9]);
}

/** The field, an instant, is later than the instant in `field` of the same object, when both are given. */
export function LaterThan(field: string, name: string): PropertyDecorator {
  return ValidateBy({
    name: 'laterThan',
    validator: {
      validate: (value: unknown, args) => {
        const earlier = (args?.object as Record<string, unknown> | undefined)?.[field];
        if (typeof value !== 'string' || typeof earlier !== 'string') return true;
        const [from, to] = [Date.parse(earlier), Date.parse(value)];
        return Number.isNaN(from) || Number.isNaN(to) || to > from;
      },
      defaultMessage: () => `${name} must be later than ${field}`,
    },
  });
}

/** The field is an NHS number, its check digit included. */
export function NhsNumber(field: string): PropertyDecorator {
  return ValidateBy({ name: 'nhsNumber', validator: { validate: isNhsNumber, defaultMessage: () => `${field} must be 10 digits with a valid check digit` } });
}
