import { Urgency } from '../vocabulary';

/** A deadline rule: a fixed number of minutes, or a number of working days. */
export type DeadlineRule = { minutes: number } | { workingDays: number };

/** Deadlines per urgency for acknowledgement (defaults from the partnership's service levels). */
export const DEFAULT_ACKNOWLEDGE_DEADLINES: Readonly<Record<Urgency, DeadlineRule>> = {
  immediate: { minutes: 15 },
  'same-day': { minutes: 240 },
  routine: { workingDays: 2 },
};

/** Start of treatment within 20 working days of the referral (the Welsh national measure). */
export const START_DEADLINE: DeadlineRule = { workingDays: 20 };

/** Weekends and the configured bank holidays (`YYYY-MM-DD`, UTC) are not working days. */
export interface WorkingCalendar {
  bankHolidays: ReadonlySet<string>;
}

export const isWorkingDay = (day: Date, calendar: WorkingCalendar): boolean => {
  const dow = day.getUTCDay();
  return dow !== 0 && dow !== 6 && !calendar.bankHolidays.has(day.toISOString().slice(0, 10));
};

/** Adds a deadline rule to an instant; working days keep the time of day and skip non-working days. */
export function addDeadline(from: string, rule: DeadlineRule, calendar: WorkingCalendar): string {
  const start = new Date(from);
  if ('minutes' in rule) return new Date(start.getTime() + rule.minutes * 60_000).toISOString();
  const day = new Date(start);
  let left = rule.workingDays;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (isWorkingDay(day, calendar)) left -= 1;
  }
  return day.toISOString();
}
