import {
  CATEGORIES,
  CONSENT_METHODS,
  NEED_CATEGORIES,
  NEED_LEVELS,
  PURPOSES,
  SUBJECT_EVENT_SCHEMAS,
  SubjectEvent,
  URGENCIES,
} from '@onestop/domain';
import fc from 'fast-check';
import type { DecidableEvent } from '../src/policy.types';
import { AGENCIES, AGENCY_IDS, AGENCY_KINDS_IN_POOL, instantArb } from './time-and-agencies';

type SubjectEventType = SubjectEvent['type'];

const NEED_SUMMARIES: Record<string, string[]> = {
  accommodation: ['sleeping rough in the town centre', 'sofa-surfing with a friend', 'hostel place ends Friday'],
  'substance-use': ['daily heroin use, asking about detox', 'drinking two litres of cider a day', 'on methadone script'],
  'mental-health': ['low mood, not sleeping', 'voices worse since eviction', 'missed CMHT appointment'],
  'physical-health': ['leg ulcer needs dressing', 'no GP registration', 'hepatitis C untreated'],
  finances: ['Universal Credit sanctioned', 'rent arrears £900', 'no bank account'],
  offending: ['shoplifting charge pending', 'on licence until June', 'bail conditions: no town centre after 8pm'],
  safeguarding: ['financially exploited by associates', 'domestic abuse disclosed', 'cuckooed flat'],
};
const needCategoryKey = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NEED_CATEGORIES) },
  // Keys the domain rejects at the edge; the decision must still never let them through.
  { weight: 1, arbitrary: fc.constantFrom('identity', 'referral', 'housing') },
);
const needsByCategory = fc
  .uniqueArray(needCategoryKey, { minLength: 1, maxLength: 4 })
  .chain((keys) =>
    fc.tuple(
      ...keys.map((key) =>
        fc.record(
          {
            level: fc.constantFrom(...NEED_LEVELS),
            summary: fc.constantFrom(...(NEED_SUMMARIES[key] ?? ['not recorded'])),
            details: fc.constantFrom('seen at the hub on Tuesday', 'said he would come back tomorrow'),
          },
          { requiredKeys: ['level', 'summary'] },
        ),
      ),
    ).map((entries) => Object.fromEntries(keys.map((key, i) => [key, entries[i]]))),
  );

const recipientsArb = fc
  .record({ agencies: fc.subarray([...AGENCY_IDS]), kinds: fc.subarray([...AGENCY_KINDS_IN_POOL]) })
  .filter((r) => r.agencies.length + r.kinds.length > 0);

/** A realistic value for every field name any subject event schema uses (personId comes from the case). */
const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.constantFrom('Rhys Evans', 'Siân Morgan', 'Dafydd Hughes', 'Kerry-Ann Price'),
  dateOfBirth: fc.constantFrom('1979-02-11', '1991-07-30', '2001-12-05'),
  identifiers: fc.record(
    { nhsNumber: fc.constantFrom('485 777 3456', '943 476 5919'), policeRef: fc.constantFrom('DP/22/1187'), councilRef: fc.constantFrom('HSG-20413') },
    { requiredKeys: [] },
  ),
  contact: fc.record(
    { phone: fc.constantFrom('07700 900123'), email: fc.constantFrom('rhys@example.org'), address: fc.constantFrom('c/o Hub, 12 High St') },
    { requiredKeys: [] },
  ),
  consentId: fc.constantFrom('c-1', 'c-2', 'c-3'),
  recipients: recipientsArb,
  categories: fc.subarray([...CATEGORIES], { minLength: 1 }),
  purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
  method: fc.constantFrom(...CONSENT_METHODS),
  evidenceRef: fc.constantFrom('form-ISP-1/2025-0042', 'note in case file 17'),
  validFrom: instantArb,
  validUntil: instantArb,
  scope: fc.record({ categories: fc.subarray([...CATEGORIES], { minLength: 1 }) }, { requiredKeys: [] }),
  withdrawnAt: instantArb,
  expiredAt: instantArb,
  assessmentId: fc.uuid(),
  needs: needsByCategory,
  checkInId: fc.uuid(),
  changes: needsByCategory,
  note: fc.constantFrom('engaging well', 'did not attend', 'asked for help with detox today'),
  referralId: fc.uuid(),
  fromAgency: fc.constantFrom(...AGENCY_IDS),
  toAgency: fc.constantFrom(...AGENCY_IDS),
  service: fc.constantFrom('detox', 'rehab', 'housing-first', 'crisis-team', 'food-bank'),
  urgency: fc.constantFrom(...URGENCIES),
  reason: fc.constantFrom('wants detox now', 'eviction notice served', 'no capacity this week'),
  raisedAt: instantArb,
  acknowledgeBy: instantArb,
  decideBy: instantArb,
  startBy: instantArb,
  at: instantArb,
  outcome: fc.constantFrom('completed detox', 'housed', 'disengaged'),
  level: fc.integer({ min: 1, max: 3 }),
  missed: fc.constantFrom('acknowledge', 'decide', 'start'),
  deadline: instantArb,
  erasedAt: instantArb,
  grantId: fc.uuid(),
  until: instantArb,
};

/** Fields the event types declare optional. */
const OPTIONAL_FIELDS: Partial<Record<SubjectEventType, string[]>> = {
  'PersonDetailsCorrected.v1': ['name', 'dateOfBirth', 'identifiers', 'contact'],
  'ConsentGiven.v1': ['evidenceRef', 'validUntil'],
  'ConsentWithdrawn.v1': ['scope'],
  'CheckInRecorded.v1': ['note'],
  'ReferralCompleted.v1': ['outcome'],
  'ReferralRaised.v1': ['decideBy', 'startBy'],
};

/** Fields no schema classifies; they must never leave (deny by default). */
const unclassifiedField = fc.constantFrom<[string, unknown]>(
  ['internalNote', 'not for sharing'],
  ['riskScore', 7],
  ['constructor', 'shadows Object.prototype'],
);

export const SUBJECT_EVENT_TYPES = Object.keys(SUBJECT_EVENT_SCHEMAS) as SubjectEventType[];

/** The data of one subject event of the given type, about `personId`, built from its schema. */
export function subjectEventDataArb(type: SubjectEventType, personId: string): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(SUBJECT_EVENT_SCHEMAS[type]).filter((name) => name !== 'personId');
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) {
    const value = FIELD_VALUES[name];
    if (!value) throw new Error(`no generator for ${type} field ${name}: add one to FIELD_VALUES`);
    model[name] = value;
  }
  const optional = OPTIONAL_FIELDS[type] ?? [];
  return fc
    .tuple(
      fc.record(model, { requiredKeys: names.filter((n) => !optional.includes(n)) }),
      fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: unclassifiedField }),
    )
    .map(([data, extra]) => ({ personId, ...data, ...(extra ? { [extra[0]]: extra[1] } : {}) }));
}

/** Events that are not about a person: never disclosed. */
const nonSubjectEventArb: fc.Arbitrary<Pick<DecidableEvent, 'type' | 'data'>> = fc.constantFrom(
  { type: 'AgencyRegistered.v1', data: { ...AGENCIES[0], name: 'Dyfed-Powys Police' } },
  { type: 'AgreementVersionPublished.v1', data: { agreementId: 'mash', version: 1, grants: [] } },
);

/** Who recorded the event and to whom it is addressed; sometimes the deciding agency itself. */
const metadataArb = (personId: string) =>
  fc.record({
    recordedBy: fc.constantFrom(...AGENCY_IDS, 'partnership'),
    actor: fc.constantFrom('caseworker-7', 'system'),
    purpose: fc.constantFrom(...PURPOSES),
    occurredAt: instantArb,
    addressedTo: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.subarray([...AGENCY_IDS], { minLength: 1, maxLength: 3 }) },
    ),
    personId: fc.constant(personId),
  });

/** A stored event with decrypted data: subject events of every type, now and then another kind. */
export const decidableEventArb: fc.Arbitrary<DecidableEvent> = fc.uuid().chain((personId) =>
  fc.record({
    id: fc.uuid(),
    body: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...SUBJECT_EVENT_TYPES).chain((type) => subjectEventDataArb(type, personId).map((data) => ({ type: type as string, data }))) },
      { weight: 1, arbitrary: nonSubjectEventArb },
    ),
    metadata: metadataArb(personId),
  })
    .chain(({ id, body, metadata }) => {
      const event: DecidableEvent = { id, type: body.type, data: body.data as Record<string, unknown>, metadata };
      if (!body.type.startsWith('Referral')) return fc.constant(event);
      // As the hub records them: for the referral purpose, addressed to the referrer and the receiver.
      const addressed = { ...metadata, purpose: 'referral' as const, addressedTo: [String(body.data.fromAgency), String(body.data.toAgency)] };
      return fc.oneof({ weight: 2, arbitrary: fc.constant(event) }, { weight: 1, arbitrary: fc.constant({ ...event, metadata: addressed }) });
    }),
);
