import { DeciderSpecification } from '@onestop/domain/testing';
import { ReferralStatus } from '../vocabulary';
import { RaiseReferral, ReplyToReferral } from './referral.commands';
import { ReferralContext, referralDecider } from './referral.decider';
import { ReferralDetails, ReferralEvent, ReferralRaisedV1, ReferralRef } from './referral.events';

const NOW = '2030-03-04T09:00:00.000Z';
const LATER = '2030-03-04T09:05:00.000Z';
const context = (now = LATER): ReferralContext => ({
  now,
  knownAgencies: new Set(['outreach', 'sms', 'housing']),
  calendar: { bankHolidays: new Set(['2030-05-06']) },
});

const details: ReferralDetails = {
  referralId: 'r-1',
  personId: '0b7c6f8e-2f7a-4c51-9d1e-6f3b1c2a9e10',
  fromAgency: 'outreach',
  toAgency: 'sms',
  service: 'detox',
  urgency: 'immediate',
  reason: 'ready to start detox today',
};
const ref: ReferralRef = { referralId: 'r-1', personId: details.personId, fromAgency: 'outreach', toAgency: 'sms' };
const raise: RaiseReferral = { type: 'RaiseReferral', ...details };
/** Raised at 09:00 on Monday 4 March 2030: immediate, so acknowledge by 09:15, decide by 10:00, start within 20 working days. */
const raised = (at = NOW, acknowledgeBy = '2030-03-04T09:15:00.000Z', decideBy = '2030-03-04T10:00:00.000Z', startBy = '2030-04-01T09:00:00.000Z'): ReferralRaisedV1 => ({
  type: 'ReferralRaised.v1',
  data: { ...details, raisedAt: at, acknowledgeBy, decideBy, startBy },
});
const prepared: ReferralEvent = { type: 'ReferralPrepared.v1', data: details };
const acknowledged: ReferralEvent = { type: 'ReferralAcknowledged.v1', data: { ...ref, at: NOW } };
const accepted: ReferralEvent = { type: 'ReferralAccepted.v1', data: { ...ref, at: NOW } };
const declined: ReferralEvent = { type: 'ReferralDeclined.v1', data: { ...ref, at: NOW, reason: 'no capacity' } };
const started: ReferralEvent = { type: 'ReferralStarted.v1', data: { ...ref, at: NOW } };
const completed: ReferralEvent = { type: 'ReferralCompleted.v1', data: { ...ref, at: NOW } };
const withdrawn: ReferralEvent = { type: 'ReferralWithdrawn.v1', data: { ...ref, at: NOW, reason: 'moved away' } };

/** A stream that leaves the referral in each status. */
const HISTORY: Record<ReferralStatus, ReferralEvent[]> = {
  prepared: [prepared],
  raised: [raised()],
  acknowledged: [raised(), acknowledged],
  accepted: [raised(), acknowledged, accepted],
  declined: [raised(), declined],
  started: [raised(), acknowledged, accepted, started],
  completed: [raised(), acknowledged, accepted, started, completed],
  withdrawn: [raised(), withdrawn],
};

/** The replies of the state machine: the statuses each may follow, who sends it and what it records. */
const MACHINE: Record<ReplyToReferral['type'], { from: ReferralStatus[]; by: string; records: ReferralEvent['type'] }> = {
  Acknowledge: { from: ['raised'], by: 'sms', records: 'ReferralAcknowledged.v1' },
  Accept: { from: ['acknowledged'], by: 'sms', records: 'ReferralAccepted.v1' },
  Decline: { from: ['raised', 'acknowledged'], by: 'sms', records: 'ReferralDeclined.v1' },
  Start: { from: ['accepted'], by: 'sms', records: 'ReferralStarted.v1' },
  Complete: { from: ['started'], by: 'sms', records: 'ReferralCompleted.v1' },
  Withdraw: { from: ['prepared', 'raised', 'acknowledged', 'accepted'], by: 'outreach', records: 'ReferralWithdrawn.v1' },
};
const STATUSES = Object.keys(HISTORY) as ReferralStatus[];
const REPLIES = Object.entries(MACHINE) as [ReplyToReferral['type'], (typeof MACHINE)[ReplyToReferral['type']]][];
const reply = (type: ReplyToReferral['type'], byAgency = MACHINE[type].by): ReplyToReferral => ({ type, byAgency, reason: 'a reason' });

const spec = DeciderSpecification.for(referralDecider);

describe('referral decider', () => {
  describe('raising', () => {
    it.each([
      ['immediate', '2030-03-04T09:20:00.000Z', '2030-03-04T10:05:00.000Z'],
      ['same-day', '2030-03-04T13:05:00.000Z', '2030-03-04T17:05:00.000Z'],
      ['routine', '2030-03-06T09:05:00.000Z', '2030-03-11T09:05:00.000Z'],
    ] as const)('raises an %s referral with its default deadlines to acknowledge, decide and start', (urgency, acknowledgeBy, decideBy) => {
      spec
        .given([])
        .when({ ...raise, urgency }, context())
        .then([{ type: 'ReferralRaised.v1', data: { ...details, urgency, raisedAt: LATER, acknowledgeBy, decideBy, startBy: '2030-04-01T09:05:00.000Z' } }]);
    });

    it('takes the deadlines the receiving service sets, and the defaults for what it leaves out', () => {
      const detox = { id: 'detox', name: 'Community detox', deadlines: { acknowledge: { immediate: { minutes: 5 } }, start: { immediate: { workingDays: 1 } } } };
      const withServices = { ...context(), agencyServices: new Map([['sms', [detox]]]) };
      spec
        .given([])
        .when(raise, withServices)
        .then([
          {
            type: 'ReferralRaised.v1',
            data: { ...details, raisedAt: LATER, acknowledgeBy: '2030-03-04T09:10:00.000Z', decideBy: '2030-03-04T10:05:00.000Z', startBy: '2030-03-05T09:05:00.000Z' },
          },
        ]);
    });

    it('refuses a service the receiving agency does not list, naming the services it offers', () => {
      const services = new Map([['sms', [{ id: 'detox', name: 'Community detox' }, { id: 'rehab', name: 'Residential rehab' }]]]);
      spec.given([]).when({ ...raise, service: 'housing-first' }, { ...context(), agencyServices: services }).thenFailsValidation({ service: 'sms offers detox, rehab' });
      spec.given([]).when({ ...raise, type: 'PrepareReferral', service: 'housing-first' }, { ...context(), agencyServices: services }).thenFailsValidation({ service: 'sms offers detox, rehab' });
    });

    it('takes any service, under the default levels, for an agency that lists none', () => {
      spec.given([]).when({ ...raise, service: 'outreach' }, { ...context(), agencyServices: new Map([['sms', []]]) }).then([raised(LATER, '2030-03-04T09:20:00.000Z', '2030-03-04T10:05:00.000Z', '2030-04-01T09:05:00.000Z')].map((e) => ({ ...e, data: { ...e.data, service: 'outreach' } })));
    });

    it('refuses to reuse a referral id', () => {
      spec.given([raised()]).when(raise, context()).thenThrows('referral.duplicate');
      spec.given([prepared]).when({ ...raise, type: 'PrepareReferral' }, context()).thenThrows('referral.duplicate');
    });

    it('refuses a referral to an unknown agency or to the referring agency itself', () => {
      spec.given([]).when({ ...raise, toAgency: 'rehab' }, context()).thenFailsValidation({ toAgency: 'unknown agency rehab' });
      spec.given([]).when({ ...raise, toAgency: 'outreach' }, context()).thenFailsValidation({ toAgency: 'must be another agency' });
    });
  });

  describe('preparing and releasing', () => {
    it('prepares a referral that waits for consent, with no deadline yet', () => {
      spec.given([]).when({ ...raise, type: 'PrepareReferral' }, context()).then([prepared]);
    });

    it('raises a prepared referral on release, its deadlines counted from the release', () => {
      spec
        .given([prepared])
        .when({ type: 'ReleaseReferral' }, context())
        .then([raised(LATER, '2030-03-04T09:20:00.000Z', '2030-03-04T10:05:00.000Z', '2030-04-01T09:05:00.000Z')]);
    });

    it.each(STATUSES.filter((s) => s !== 'prepared'))('refuses to release a referral that is %s', (status) => {
      spec.given(HISTORY[status]).when({ type: 'ReleaseReferral' }, context()).thenThrows('referral.invalid-transition');
    });

    it('refuses to release or reply to a referral that does not exist', () => {
      spec.given([]).when({ type: 'ReleaseReferral' }, context()).thenThrows('referral.not-found');
      spec.given([]).when(reply('Acknowledge'), context()).thenThrows('referral.not-found');
    });
  });

  describe('replies', () => {
    const allowed = REPLIES.flatMap(([type, rule]) => rule.from.map((status) => [type, status, rule] as const));
    it.each(allowed)('%s a referral that is %s', (type, status, rule) => {
      const data = type === 'Decline' || type === 'Withdraw' ? { ...ref, at: LATER, reason: 'a reason' } : { ...ref, at: LATER };
      spec.given(HISTORY[status]).when(reply(type), context()).then([{ type: rule.records, data } as ReferralEvent]);
    });

    const refused = REPLIES.flatMap(([type, rule]) =>
      STATUSES.filter((status) => !rule.from.includes(status)).map((status) => [type, status] as const),
    );
    it.each(refused)('refuses to %s a referral that is %s', (type, status) => {
      spec.given(HISTORY[status]).when(reply(type), context()).thenThrows('referral.invalid-transition', { details: { status } });
    });

    it('refuses to accept a withdrawn referral', () => {
      spec
        .given([raised(), acknowledged, withdrawn])
        .when({ type: 'Accept', byAgency: 'sms' }, context())
        .thenThrows('referral.invalid-transition', { details: { status: 'withdrawn' } });
    });

    it.each([
      ['Acknowledge', 'outreach'],
      ['Accept', 'housing'],
      ['Decline', 'outreach'],
      ['Withdraw', 'sms'],
      ['Withdraw', 'housing'],
    ] as const)('refuses %s from %s, which is not its agency', (type, byAgency) => {
      const history = type === 'Accept' ? HISTORY.acknowledged : HISTORY.raised;
      spec.given(history).when(reply(type, byAgency), context()).thenThrows('referral.wrong-agency');
    });

    it.each(['Decline', 'Withdraw'] as const)('refuses to %s without a reason', (type) => {
      const byAgency = MACHINE[type].by;
      spec.given(HISTORY.raised).when({ type, byAgency }, context()).thenFailsValidation({ reason: 'a reason is required' });
      spec.given(HISTORY.raised).when({ type, byAgency, reason: '' }, context()).thenFailsValidation({ reason: 'a reason is required' });
    });

    it('records the outcome of a completed referral, and on no other reply', () => {
      spec
        .given(HISTORY.started)
        .when({ type: 'Complete', byAgency: 'sms', outcome: 'detox completed' }, context())
        .then([{ type: 'ReferralCompleted.v1', data: { ...ref, at: LATER, outcome: 'detox completed' } }]);
      spec
        .given(HISTORY.acknowledged)
        .when({ type: 'Accept', byAgency: 'sms', outcome: 'detox completed' }, context())
        .then([{ type: 'ReferralAccepted.v1', data: { ...ref, at: LATER } }]);
    });
  });

  describe('escalation', () => {
    const escalate = { type: 'EscalateReferral' } as const;
    const DEADLINES = { acknowledge: '2030-03-04T09:15:00.000Z', decide: '2030-03-04T10:00:00.000Z', start: '2030-04-01T09:00:00.000Z' } as const;
    const escalated = (level: number, at: string, missed: keyof typeof DEADLINES = 'acknowledge'): ReferralEvent => ({
      type: 'ReferralEscalated.v1',
      data: { ...ref, at, level, missed, deadline: DEADLINES[missed] },
    });

    it('escalates a raised referral once its acknowledgement deadline has come', () => {
      spec.given(HISTORY.raised).when(escalate, context('2030-03-04T09:15:00.000Z')).then([escalated(1, '2030-03-04T09:15:00.000Z')]);
      spec.given(HISTORY.raised).when(escalate, context('2030-03-04T09:59:00.000Z')).then([escalated(1, '2030-03-04T09:59:00.000Z')]);
    });

    it('refuses to escalate before the deadline', () => {
      spec.given(HISTORY.raised).when(escalate, context('2030-03-04T09:14:59.999Z')).thenThrows('referral.not-due');
    });

    it('escalates a missed deadline only once, however often the check runs', () => {
      spec
        .given([...HISTORY.raised, escalated(1, '2030-03-04T09:16:00.000Z')])
        .when(escalate, context('2030-03-04T09:17:00.000Z'))
        .thenThrows('referral.not-due');
    });

    it('escalates the decision deadline of an acknowledged referral that is neither accepted nor declined, at the next level', () => {
      spec
        .given([...HISTORY.raised, escalated(1, '2030-03-04T09:16:00.000Z'), acknowledged])
        .when(escalate, context('2030-03-04T10:00:00.000Z'))
        .then([escalated(2, '2030-03-04T10:00:00.000Z', 'decide')]);
    });

    it('escalates the start deadline of an accepted referral whose treatment has not started', () => {
      spec.given(HISTORY.accepted).when(escalate, context('2030-03-31T09:00:00.000Z')).thenThrows('referral.not-due');
      spec.given(HISTORY.accepted).when(escalate, context('2030-04-01T09:00:00.000Z')).then([escalated(1, '2030-04-01T09:00:00.000Z', 'start')]);
    });

    it('escalates every deadline missed while no check ran (a restart), soonest first, each once', () => {
      const late = '2030-04-02T08:00:00.000Z';
      spec.given(HISTORY.raised).when(escalate, context(late)).then([escalated(1, late, 'acknowledge'), escalated(2, late, 'decide'), escalated(3, late, 'start')]);
      spec
        .given([...HISTORY.raised, escalated(1, late, 'acknowledge'), escalated(2, late, 'decide'), escalated(3, late, 'start')])
        .when(escalate, context('2030-05-01T08:00:00.000Z'))
        .thenThrows('referral.not-due');
    });

    it.each(['prepared', 'declined', 'started', 'completed', 'withdrawn'] as const)('refuses to escalate a referral that is %s', (status) => {
      spec.given(HISTORY[status]).when(escalate, context('2030-06-05T09:00:00.000Z')).thenThrows('referral.not-due');
    });

    it('escalates nothing but acknowledgement for a referral raised before decide and start deadlines were recorded', () => {
      const legacy: ReferralEvent = { type: 'ReferralRaised.v1', data: { ...details, raisedAt: NOW, acknowledgeBy: DEADLINES.acknowledge } };
      spec.given([legacy]).when(escalate, context('2030-06-05T09:00:00.000Z')).then([escalated(1, '2030-06-05T09:00:00.000Z')]);
      spec.given([legacy, acknowledged]).when(escalate, context('2030-06-05T09:00:00.000Z')).thenThrows('referral.not-due');
    });

    it('still lets the receiver acknowledge an escalated referral', () => {
      spec
        .given([...HISTORY.raised, escalated(1, '2030-03-04T09:16:00.000Z')])
        .when(reply('Acknowledge'), context())
        .then([{ type: 'ReferralAcknowledged.v1', data: { ...ref, at: LATER } }]);
    });
  });
});
