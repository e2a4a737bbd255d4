import { ReferralDeadlineTimer } from '@onestop/application';
import { TestHub } from '../support/hub-harness';
import { boardOf, feedOf, refer, ReferralPartnership, referralConsent, registerPerson, startReferralPartnership } from './referral-partnership';

/** Monday 4 March 2030, 09:00 UTC; the hub's clock is the test's. */
const START = Date.parse('2030-03-04T09:00:00.000Z');
const MINUTE = 60_000;

describe('the duty board and escalation, with the hub\'s clock in the test\'s hands', () => {
  let hub: TestHub;
  let p: ReferralPartnership;
  let now = START;
  let routine: string;
  let sameDay: string;
  let immediate: string;

  beforeAll(async () => {
    hub = await TestHub.start({ now: () => new Date(now) });
    p = await startReferralPartnership(hub);
    const personId = await registerPerson(hub, p);
    await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms']));
    routine = (await refer(hub, p, { personId, urgency: 'routine', service: 'rehab' })).referralId;
    sameDay = (await refer(hub, p, { personId, urgency: 'same-day', service: 'rehab' })).referralId;
    immediate = (await refer(hub, p, { personId, urgency: 'immediate', service: 'rehab' })).referralId;
  });
  afterAll(() => hub.close());

  it('lists the receiver\'s referrals soonest deadline first, each pending deadline with its time left and colour', async () => {
    const board = await boardOf(hub, p.caseworker.sms, '?toAgency=sms&status=raised');
    expect(board.map((r) => r.referralId)).toEqual([immediate, sameDay, routine]);
    expect(board[0]).toMatchObject({ urgency: 'immediate', rag: 'green', nextRag: 'green', worstRag: 'green', nextDeadline: '2030-03-04T09:15:00.000Z', secondsLeft: 900 });
    expect(board[0].deadlines).toEqual([
      { kind: 'acknowledge', deadline: '2030-03-04T09:15:00.000Z', secondsLeft: 900, rag: 'green', escalated: false },
      { kind: 'decide', deadline: '2030-03-04T10:00:00.000Z', secondsLeft: 3600, rag: 'green', escalated: false },
      { kind: 'start', deadline: '2030-04-01T09:00:00.000Z', secondsLeft: 28 * 24 * 3600, rag: 'green', escalated: false },
    ]);
    expect(board[2].deadlines.map((d: { deadline: string }) => d.deadline)).toEqual(['2030-03-06T09:00:00.000Z', '2030-03-11T09:00:00.000Z', '2030-04-01T09:00:00.000Z']);
    expect(board.every((r) => r.direction === 'incoming' && r.personId === undefined && r.pseudonym.startsWith('psn_'))).toBe(true);
  });

  it('turns amber past half the time allowed and red past three quarters', async () => {
    const colourOf = async () => (await boardOf(hub, p.caseworker.sms)).find((r) => r.referralId === immediate)!.rag;
    now = START + 8 * MINUTE;
    expect(await colourOf()).toBe('amber');
    now = START + 12 * MINUTE;
    expect(await colourOf()).toBe('red');
  });

  it('the referring agency sees its own referrals as outgoing, with the person\'s id; an uninvolved agency sees none', async () => {
    const outgoing = await boardOf(hub, p.caseworker.outreach);
    expect(outgoing.map((r) => r.referralId).sort()).toEqual([immediate, sameDay, routine].sort());
    expect(outgoing.every((r) => r.direction === 'outgoing' && typeof r.personId === 'string')).toBe(true);
    expect(await boardOf(hub, p.caseworker.housing)).toEqual([]);
  });

  it('when a deadline passes, escalates it once, telling both agencies in their feeds', async () => {
    now = START + 16 * MINUTE;
    const timer = new ReferralDeadlineTimer(hub.runtime);
    expect(await timer.runOnce()).toMatchObject({ escalated: 1 });
    expect(await timer.runOnce()).toMatchObject({ escalated: 0 });
    await hub.published();
    for (const [agency, ground] of [['sms', 'rapid-referral'], ['outreach', 'referral-party']] as const) {
      const escalations = (await feedOf(hub, p.system[agency])).filter((m) => m.type === 'onestop.referral.escalated.v1');
      expect(escalations).toHaveLength(1);
      expect(escalations[0]).toMatchObject({ agreementid: ground, data: { referralId: immediate, level: 1, missed: 'acknowledge', deadline: '2030-03-04T09:15:00.000Z' } });
    }
    expect((await feedOf(hub, p.system.housing)).filter((m) => m.type === 'onestop.referral.escalated.v1')).toEqual([]);
    const row = (await boardOf(hub, p.caseworker.sms)).find((r) => r.referralId === immediate)!;
    expect(row).toMatchObject({ escalations: 1, rag: 'red', secondsLeft: -60 });
    expect(row.deadlines[0]).toMatchObject({ kind: 'acknowledge', escalated: true });
  });

  it('after acknowledgement the decision deadline leads, and its miss is the next level', async () => {
    expect((await hub.request('POST', `/v1/referrals/${immediate}/acknowledge`, p.system.sms, {})).status).toBe(200);
    const row = (await boardOf(hub, p.caseworker.sms)).find((r) => r.referralId === immediate)!;
    expect(row).toMatchObject({ status: 'acknowledged', rag: 'none', nextDeadline: '2030-03-04T10:00:00.000Z', nextRag: 'green' });
    now = START + 61 * MINUTE;
    expect(await new ReferralDeadlineTimer(hub.runtime).runOnce()).toMatchObject({ escalated: 1 });
    await hub.published();
    const decide = (await feedOf(hub, p.system.outreach)).filter((m) => m.type === 'onestop.referral.escalated.v1').map((m) => [m.data.missed, m.data.level]);
    expect(decide).toEqual([['acknowledge', 1], ['decide', 2]]);
  });
});
