import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { canonicalJson, type HubCloudEvent, type HubJwks, KafkaDelivery, RETRACTION_TYPE, type RetractionData, verifyMessage } from '@onestop/delivery';
import { firstIdsBySubject } from '@onestop/delivery/testing';
import { TestHub } from '../support/hub-harness';
import { AGENCIES, AGENCY_IDS, type AgencyId, Partnership, shape, TYPE } from '../sharing/partnership';
import {
  type AgencyTopicContents,
  cleanRun,
  deleteTopicsWithPrefix,
  heldAfterRetractions,
  kafkaClient,
  latestPerKey,
  outOfSequence,
  publishedAll,
  readAgency,
  runReferenceConsumer,
  sharedBrokers,
} from './kafka-e2e-support';

/*
 * The hub delivering to Kafka, end to end over HTTP: four of the five agencies chose Kafka
 * (`delivery: { feed: false, kafka: true }`), `hope` kept the HTTP feed. Each Kafka agency's
 * topic must hold exactly what the sharing decision permits it — the same messages, byte for
 * byte, as a clean publisher run over the same store computes for it — keyed by its pseudonyms
 * and signed; a withdrawal retracts on the events topic and tombstones the people topic; and the
 * reference consumer in examples/agency-consumer ends up holding exactly what was not retracted.
 */
const brokers = sharedBrokers('the Kafka delivery end-to-end tests');
const describeKafka = brokers ? describe : describe.skip;

const ON_KAFKA: AgencyId[] = ['housing', 'sms', 'police', 'health'];
const ON_FEED: AgencyId[] = ['hope'];
const SOURCE = 'urn:onestop:test-hub';

/** Re-registers an agency (same keys and services) with Kafka as its only delivery. */
async function chooseKafka(hub: TestHub, p: Partnership, agency: AgencyId): Promise<void> {
  const res = await hub.request('PUT', `/v1/agencies/${agency}`, await hub.admin.token(['admin']), {
    name: `${agency} agency`,
    kind: AGENCIES[agency],
    issuer: p.issuers[agency].issuer,
    jwks: { keys: [p.issuers[agency].publicJwk] },
    delivery: { feed: false, kafka: true },
    ...(agency === 'sms' ? { services: [{ id: 'detox', name: 'Community detox' }] } : {}),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`re-registering ${agency}: ${res.status} ${JSON.stringify(res.body)}`);
}

describeKafka('Kafka delivery end to end', () => {
  const prefix = `e2e-${randomBytes(4).toString('hex')}`;
  let hub: TestHub;
  let p: Partnership;
  let delivery: KafkaDelivery;
  let kafka: Kafka;
  const person: Record<'alex' | 'bea' | 'cal', string> = { alex: '', bea: '', cal: '' };
  let expected: Map<string, HubCloudEvent[]>;
  const topics = new Map<AgencyId, AgencyTopicContents>();

  beforeAll(async () => {
    kafka = kafkaClient(brokers!);
    hub = await TestHub.start({ publisher: false });
    p = await Partnership.build(hub);
    for (const agency of ON_KAFKA) await chooseKafka(hub, p, agency);
    delivery = await KafkaDelivery.start({ brokers: brokers!, topicPrefix: prefix, agencies: [...AGENCY_IDS], logLevel: 'nothing' });
    hub.runtime.startPublisher({ feed: true, kafka: delivery });

    // Alex consents to everything; assessed, checked in by the police, referred to detox.
    person.alex = await p.register('housing', 'Alex Jones');
    await p.consent('hope', person.alex);
    await p.assess('hope', person.alex, 'accommodation', 'substance-use', 'mental-health', 'physical-health', 'offending', 'finances');
    await p.checkIn('police', person.alex, 'Stable this week', 'offending', 'safeguarding');
    const { referralId } = await p.ok('hope', 'POST', '/v1/referrals', { personId: person.alex, toAgency: 'sms', service: 'detox', urgency: 'same-day', reason: 'Asked for detox today' });
    await p.ok('sms', 'POST', `/v1/referrals/${referralId}/acknowledge`, {});
    // Bea consents, is assessed and checked in, then withdraws her consent.
    person.bea = await p.register('housing', 'Bea Smith');
    const consentId = await p.consent('hope', person.bea);
    await p.assess('hope', person.bea, 'accommodation', 'substance-use', 'mental-health', 'physical-health', 'offending');
    await p.checkIn('police', person.bea, 'Arrested, asked for help', 'accommodation', 'offending');
    await p.withdraw('hope', person.bea, consentId);
    // Cal never consents: only public-task sharing applies.
    person.cal = await p.register('housing', 'Cal Brown');
    await p.assess('hope', person.cal, 'accommodation', 'substance-use');

    await publishedAll(hub);
    expected = await cleanRun(hub, SOURCE);
    for (const agency of AGENCY_IDS) topics.set(agency, await readAgency(kafka, prefix, agency));
  }, 180_000);

  afterAll(async () => {
    await hub?.close();
    await delivery?.close();
    if (kafka) await deleteTopicsWithPrefix(kafka, prefix);
  }, 60_000);

  const about = (agency: AgencyId, who: keyof typeof person) => topics.get(agency)!.messages.filter((m) => m.subject === p.pseudonym(agency, person[who]));

  it('gives each Kafka agency exactly the messages the sharing decision permits it, once each, in each person’s order', async () => {
    for (const agency of ON_KAFKA) {
      const received = topics.get(agency)!.messages;
      const permitted = expected.get(agency) ?? [];
      expect(permitted.length).toBeGreaterThan(0);
      expect({ agency, messages: received.map(canonicalJson).sort() }).toEqual({ agency, messages: permitted.map(canonicalJson).sort() });
      expect(firstIdsBySubject(received)).toEqual(firstIdsBySubject(permitted));
      expect({ agency, outOfSequence: outOfSequence(received) }).toEqual({ agency, outOfSequence: [] });
      expect({ agency, feed: await p.feed(agency) }).toEqual({ agency, feed: [] }); // it chose Kafka only
    }
  });

  it('keeps a feed-only agency off Kafka and gives it the same messages on its feed', async () => {
    for (const agency of ON_FEED) {
      expect(topics.get(agency)!.events).toEqual([]);
      // The feed serves all that was sent but what a later retraction withdrew.
      const withdrawn = new Set(expected.get(agency)!.filter((m) => m.type === RETRACTION_TYPE).flatMap((m) => (m.data as unknown as RetractionData).retractedIds));
      expect(withdrawn.size).toBeGreaterThan(0);
      expect((await p.feed(agency)).map(canonicalJson)).toEqual(expected.get(agency)!.filter((m) => !withdrawn.has(m.id)).map(canonicalJson));
    }
  });

  it('sends only the permitted fields: public task without consent, consent-based categories only with consent', () => {
    const needs = (m: HubCloudEvent) => shape(m.data).filter((k) => k.startsWith('needs.') || k.startsWith('changes.'));
    const assessed = (agency: AgencyId, who: keyof typeof person) => about(agency, who).filter((m) => m.type === TYPE.assessed);
    expect(assessed('housing', 'cal').map(needs)).toEqual([['needs.accommodation']]);
    expect(about('sms', 'cal')).toEqual([]);
    expect(about('police', 'cal')).toEqual([]);
    expect(about('health', 'cal')).toEqual([]);
    expect(assessed('sms', 'alex').map(needs)).toEqual([['needs.substance-use']]);
    expect(assessed('health', 'alex').map(needs)).toEqual([['needs.mental-health', 'needs.physical-health'].sort()]);
    expect(assessed('police', 'alex').map(needs)).toEqual([['needs.offending']]);
    expect(about('sms', 'alex').some((m) => m.type === TYPE.referralRaised)).toBe(true);
    expect(about('housing', 'alex').some((m) => m.type === TYPE.referralRaised)).toBe(false); // not addressed to housing
  });

  it('keys every record by the agency’s pseudonym for the person, and every signature verifies against the hub’s JWKS', async () => {
    const jwks = (await hub.request<HubJwks>('GET', '/.well-known/jwks.json')).body;
    for (const agency of ON_KAFKA) {
      const pseudonyms = new Set(Object.values(person).map((id) => p.pseudonym(agency, id)));
      const partitionOf = new Map<string, number>();
      for (const [i, record] of topics.get(agency)!.events.entries()) {
        const message = topics.get(agency)!.messages[i];
        expect(record.key).toBe(message.subject);
        expect(pseudonyms.has(record.key!)).toBe(true);
        expect(record.headers).toMatchObject({ 'content-type': 'application/cloudevents+json', ce_id: message.id, ce_type: message.type, ce_subject: message.subject });
        expect(partitionOf.get(record.key!) ?? record.partition).toBe(record.partition);
        partitionOf.set(record.key!, record.partition);
        expect(await verifyMessage(message, jwks)).toBe(true);
      }
    }
    const [first] = topics.get('sms')!.messages;
    expect(await verifyMessage({ ...first, data: { ...first.data, personId: 'someone-else' } }, jwks)).toBe(false);
  });

  it('retracts on the events topic and tombstones the people topic when a withdrawal leaves an agency nothing', () => {
    const [registered, consent, assessed, checkIn, withdrawal] = hub.runtime.db
      .prepare("SELECT id FROM es_events WHERE stream = ? ORDER BY revision")
      .pluck()
      .all(`person-${person.bea}`) as string[];
    const retraction = (agency: AgencyId) => about(agency, 'bea').filter((m) => m.type === RETRACTION_TYPE);
    const listed = (agency: AgencyId) => retraction(agency).flatMap((m) => (m.data as unknown as RetractionData).retractedIds);
    expect(retraction('sms').map((m) => m.data)).toEqual([{ retractedIds: [registered, consent, assessed, checkIn], reason: 'consent-withdrawn', causeId: withdrawal }]);
    expect(listed('health')).toEqual([assessed]);
    expect(listed('police')).toEqual([assessed]); // its own check-in stays
    expect(retraction('housing')).toEqual([]); // public task: nothing to retract

    for (const agency of ON_KAFKA) {
      const people = topics.get(agency)!.people;
      const key = p.pseudonym(agency, person.bea);
      const last = people.filter((r) => r.key === key).at(-1)!;
      const holdsNothing = heldAfterRetractions(about(agency, 'bea')).length === 0;
      expect({ agency, tombstone: last.value === null }).toEqual({ agency, tombstone: holdsNothing });
      if (holdsNothing) expect(last.headers.onestop_cause).toBe(retraction(agency).at(-1)!.id);
    }
    expect(latestPerKey(topics.get('sms')!.people).get(p.pseudonym('sms', person.bea))).toBeNull();
    expect(latestPerKey(topics.get('health')!.people).get(p.pseudonym('health', person.bea))).toBeNull();
    expect(latestPerKey(topics.get('police')!.people).get(p.pseudonym('police', person.bea))).toMatchObject({ needs: { offending: expect.anything() } });
    expect(latestPerKey(topics.get('housing')!.people).get(p.pseudonym('housing', person.bea))).toMatchObject({ identity: { name: 'Bea Smith' } });
  });

  it('leaves the reference consumer holding exactly the messages not retracted, and its acknowledgements reach the hub', async () => {
    const runs = await Promise.all(
      ON_KAFKA.map(async (agency) => ({
        agency,
        run: await runReferenceConsumer({ agency, hub: hub.url, brokers: brokers!, prefix, token: await p.token(agency, ['system']) }),
      })),
    );
    for (const { agency, run } of runs) {
      expect({ agency, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ agency, code: 0, stderr: '' });
      const held = run.report.people.flatMap((x) => x.messages.map((m) => m.id)).sort();
      expect({ agency, held }).toEqual({ agency, held: heldAfterRetractions(expected.get(agency)!) });
      expect(run.report.rejected).toEqual([]);
      expect(run.report.unacknowledged).toBe(0);
      const summaries = Object.fromEntries(run.report.people.filter((x) => x.summary).map((x) => [x.subject, x.summary]));
      const latest = latestPerKey(topics.get(agency)!.people);
      expect(summaries).toEqual(Object.fromEntries([...latest].filter(([, v]) => v !== null)));
      expect(run.report.tombstoned).toEqual([...latest].filter(([, v]) => v === null).map(([k]) => k).sort());
    }
    expect(runs.find((r) => r.agency === 'sms')!.run.report.tombstoned).toEqual([p.pseudonym('sms', person.bea)]);
    const unacknowledged = hub.runtime.db
      .prepare(`SELECT agency_id FROM pub_retractions WHERE acknowledged_at IS NULL AND agency_id IN (${ON_KAFKA.map(() => '?').join(',')})`)
      .pluck()
      .all(...ON_KAFKA);
    expect(unacknowledged).toEqual([]);
  }, 120_000);
});
