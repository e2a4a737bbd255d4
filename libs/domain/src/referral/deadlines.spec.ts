import { addDeadline, DEFAULT_ACKNOWLEDGE_DEADLINES, isWorkingDay, START_DEADLINE, WorkingCalendar } from './deadlines';

/** England and Wales bank holidays of spring 2030: Good Friday, Easter Monday, early May. */
const calendar: WorkingCalendar = { bankHolidays: new Set(['2030-04-19', '2030-04-22', '2030-05-06']) };
const noHolidays: WorkingCalendar = { bankHolidays: new Set() };

describe('deadlines', () => {
  describe('in minutes', () => {
    it('adds the minutes to the instant', () => {
      expect(addDeadline('2030-03-04T09:00:00.000Z', DEFAULT_ACKNOWLEDGE_DEADLINES.immediate, calendar)).toBe('2030-03-04T09:15:00.000Z');
      expect(addDeadline('2030-03-04T09:00:00.000Z', DEFAULT_ACKNOWLEDGE_DEADLINES['same-day'], calendar)).toBe('2030-03-04T13:00:00.000Z');
    });

    it('runs through nights, weekends and bank holidays', () => {
      expect(addDeadline('2030-03-09T23:50:00.000Z', { minutes: 15 }, calendar)).toBe('2030-03-10T00:05:00.000Z');
      expect(addDeadline('2030-04-19T10:00:00.000Z', { minutes: 240 }, calendar)).toBe('2030-04-19T14:00:00.000Z');
    });
  });

  describe('in working days', () => {
    const routine = DEFAULT_ACKNOWLEDGE_DEADLINES.routine;

    it('counts weekdays and keeps the time of day', () => {
      expect(addDeadline('2030-03-04T16:30:00.000Z', routine, calendar)).toBe('2030-03-06T16:30:00.000Z');
    });

    it('skips the weekend: a routine referral raised on Friday is due on Tuesday', () => {
      expect(addDeadline('2030-03-01T11:00:00.000Z', routine, calendar)).toBe('2030-03-05T11:00:00.000Z');
    });

    it('skips a bank holiday: raised on Friday before a bank-holiday Monday, due on Wednesday', () => {
      expect(addDeadline('2030-05-03T11:00:00.000Z', routine, calendar)).toBe('2030-05-08T11:00:00.000Z');
      expect(addDeadline('2030-05-03T11:00:00.000Z', routine, noHolidays)).toBe('2030-05-07T11:00:00.000Z');
    });

    it('skips a run of non-working days (Easter)', () => {
      expect(addDeadline('2030-04-18T11:00:00.000Z', routine, calendar)).toBe('2030-04-24T11:00:00.000Z');
    });

    it('counts from the next working day when raised on a non-working day', () => {
      expect(addDeadline('2030-03-09T11:00:00.000Z', routine, calendar)).toBe('2030-03-12T11:00:00.000Z');
      expect(addDeadline('2030-04-22T11:00:00.000Z', routine, calendar)).toBe('2030-04-24T11:00:00.000Z');
    });

    it('gives 20 working days to start treatment, less the bank holidays', () => {
      expect(addDeadline('2030-03-04T09:00:00.000Z', START_DEADLINE, calendar)).toBe('2030-04-01T09:00:00.000Z');
      expect(addDeadline('2030-04-01T09:00:00.000Z', START_DEADLINE, calendar)).toBe('2030-05-01T09:00:00.000Z');
    });
  });

  describe('isWorkingDay', () => {
    it.each([
      ['2030-03-04', true],
      ['2030-03-08', true],
      ['2030-03-09', false],
      ['2030-03-10', false],
      ['2030-04-22', false],
    ])('%s is a working day: %s', (day, working) => {
      expect(isWorkingDay(new Date(`${day}T12:00:00.000Z`), calendar)).toBe(working);
    });
  });
});
