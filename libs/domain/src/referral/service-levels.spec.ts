import { WorkingCalendar } from './deadlines';
import { deadlinesFrom, pendingDeadlines, ragStatus, serviceLevelsFor, worstRag } from './service-levels';

/** England and Wales bank holidays of spring 2030: Good Friday, Easter Monday, early May. */
const calendar: WorkingCalendar = { bankHolidays: new Set(['2030-04-19', '2030-04-22', '2030-05-06']) };
const deadlines = { acknowledge: '2030-03-04T09:15:00.000Z', decide: '2030-03-04T10:00:00.000Z', start: '2030-04-01T09:00:00.000Z' };

describe('service levels', () => {
  describe('deadlinesFrom', () => {
    it('gives an immediate referral 15 minutes to acknowledge, an hour to decide and 20 working days to start', () => {
      expect(deadlinesFrom('2030-03-04T09:00:00.000Z', 'immediate', calendar)).toEqual(deadlines);
    });

    it('gives a same-day referral 4 hours to acknowledge and 8 to decide', () => {
      expect(deadlinesFrom('2030-03-04T09:00:00.000Z', 'same-day', calendar)).toMatchObject({
        acknowledge: '2030-03-04T13:00:00.000Z',
        decide: '2030-03-04T17:00:00.000Z',
      });
    });

    it('counts a routine referral raised before Easter in working days, skipping weekends and the Easter and May bank holidays', () => {
      expect(deadlinesFrom('2030-04-18T15:00:00.000Z', 'routine', calendar)).toEqual({
        acknowledge: '2030-04-24T15:00:00.000Z',
        decide: '2030-04-29T15:00:00.000Z',
        start: '2030-05-21T15:00:00.000Z',
      });
    });

    it('applies a service override only to the kind and urgency it names', () => {
      const overrides = { start: { immediate: { workingDays: 1 } }, acknowledge: { routine: { minutes: 60 } } };
      expect(serviceLevelsFor('immediate', overrides)).toEqual({ acknowledge: { minutes: 15 }, decide: { minutes: 60 }, start: { workingDays: 1 } });
      expect(deadlinesFrom('2030-03-08T16:00:00.000Z', 'immediate', calendar, overrides).start).toBe('2030-03-11T16:00:00.000Z');
      expect(serviceLevelsFor('routine', overrides).acknowledge).toEqual({ minutes: 60 });
    });
  });

  describe('pendingDeadlines', () => {
    it.each([
      ['raised', ['acknowledge', 'decide', 'start']],
      ['acknowledged', ['decide', 'start']],
      ['accepted', ['start']],
      ['prepared', []],
      ['declined', []],
      ['started', []],
      ['completed', []],
      ['withdrawn', []],
    ] as const)('a referral that is %s still has to meet %j', (status, kinds) => {
      expect(pendingDeadlines(status, deadlines).map((d) => d.kind)).toEqual(kinds);
    });

    it('lists the soonest first, whatever the kind', () => {
      const odd = { acknowledge: '2030-03-06T09:00:00.000Z', decide: '2030-03-05T09:00:00.000Z', start: '2030-03-04T12:00:00.000Z' };
      expect(pendingDeadlines('raised', odd).map((d) => d.kind)).toEqual(['start', 'decide', 'acknowledge']);
    });

    it('leaves out a deadline that was never set', () => {
      expect(pendingDeadlines('acknowledged', { acknowledge: deadlines.acknowledge })).toEqual([]);
    });
  });

  describe('ragStatus, with the clock given', () => {
    const raisedAt = '2030-03-04T09:00:00.000Z';
    it.each([
      ['2030-03-04T09:00:00.000Z', 'green'],
      ['2030-03-04T09:07:29.000Z', 'green'],
      ['2030-03-04T09:07:31.000Z', 'amber'],
      ['2030-03-04T09:11:14.000Z', 'amber'],
      ['2030-03-04T09:11:16.000Z', 'red'],
      ['2030-03-04T09:15:00.000Z', 'red'],
      ['2030-03-05T09:00:00.000Z', 'red'],
    ] as const)('a 15-minute deadline at %s is %s', (now, colour) => {
      expect(ragStatus(raisedAt, deadlines.acknowledge, now)).toBe(colour);
    });

    it('takes the most urgent colour of several deadlines', () => {
      expect(worstRag(['green', 'red', 'amber'])).toBe('red');
      expect(worstRag(['green', 'amber'])).toBe('amber');
      expect(worstRag([])).toBe('none');
    });
  });
});
