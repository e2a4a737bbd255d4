import { randomUUID } from 'node:crypto';
import type { Delivery, HubCloudEvent, Outbound } from '@onestop/delivery';
import { expectDelivered, sentTo } from './delivery-assertions';
import { batchesOf, pseudonym, testOutbound, testStream, uniqueAgencyId } from './test-messages';

/**
 * What a contract run needs from an adapter. `read` returns everything an agency has received so
 * far, in the order its consumer sees it (for Kafka: partition by partition, which keeps each
 * person's order). `restart` closes the current adapter and opens a new one on the same backing
 * data, as a restarted publisher would; `cleanup` closes whichever adapter is current and removes
 * what the test created.
 */
export interface DeliveryContractSubject {
  delivery: Delivery;
  read(agencyId: string): Promise<HubCloudEvent[]>;
  restart(): Promise<Delivery>;
  cleanup(): Promise<void>;
}

export type DeliveryContractFactory = () => Promise<DeliveryContractSubject>;

/**
 * The behaviour every `Delivery` adapter must show (the rules on the port), as one jest
 * `describe` block. Each test gets a fresh subject and uses agency ids no other run uses, so the
 * suite also runs against a shared broker that holds other topics.
 */
export function describeDeliveryContract(name: string, factory: DeliveryContractFactory): void {
  describe(`Delivery contract: ${name}`, () => {
    let subject: DeliveryContractSubject | undefined;
    const current = (): DeliveryContractSubject => {
      if (!subject) throw new Error('the contract subject is only available inside a test');
      return subject;
    };

    beforeEach(async () => {
      subject = await factory();
    });

    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('keeps each person’s messages in order for an agency across many batches', async () => {
      const agencies = [uniqueAgencyId('order-a'), uniqueAgencyId('order-b'), uniqueAgencyId('order-c')];
      const stream = testStream(agencies, 8, 480);
      for (const batch of batchesOf(stream, 25)) await current().delivery.deliver(batch);

      for (const agencyId of agencies) expectDelivered(await current().read(agencyId), sentTo(agencyId, stream));
    });

    it('redelivers a batch under the same ids and content (at-least-once, harmless)', async () => {
      const agencyId = uniqueAgencyId('again');
      const batch = testStream([agencyId], 4, 40);

      await current().delivery.deliver(batch);
      await current().delivery.deliver(batch);

      const received = await current().read(agencyId);
      expectDelivered(received, batch);
      expect(new Set(received.map((m) => m.id)).size).toBe(batch.length);
    });

    it('resumes after a restart: messages from before and after are all readable, in order', async () => {
      const agencyId = uniqueAgencyId('restart');
      const [first, second, third] = batchesOf(testStream([agencyId], 5, 90), 30);
      await current().delivery.deliver(first);
      await current().delivery.deliver(second);

      const restarted = await current().restart();
      await restarted.deliver(second); // the publisher's checkpoint was before `second`
      await restarted.deliver(third);

      expectDelivered(await current().read(agencyId), [...first, ...second, ...third]);
    });

    it('gives an agency only the messages addressed to it', async () => {
      const [a, b, c] = [uniqueAgencyId('iso-a'), uniqueAgencyId('iso-b'), uniqueAgencyId('iso-c')];
      const stream = testStream([a, b], 3, 60);
      // One hub event delivered to two agencies: same id, each under its own pseudonym.
      const shared = testOutbound(a, pseudonym());
      const keyInB = pseudonym();
      const sharedForB: Outbound = { agencyId: b, key: keyInB, message: { ...shared.message, subject: keyInB } };
      const onlyC = testOutbound(c, pseudonym());
      await current().delivery.deliver([...stream, shared, sharedForB]);
      await current().delivery.deliver([onlyC]);

      expectDelivered(await current().read(a), sentTo(a, stream, [shared]));
      expectDelivered(await current().read(b), sentTo(b, stream, [sharedForB]));
      expectDelivered(await current().read(c), [onlyC]);
      expect(await current().read(uniqueAgencyId('nobody'))).toEqual([]);
    });

    it('treats an empty batch as a no-op', async () => {
      const agencyId = uniqueAgencyId('empty');
      const one = testOutbound(agencyId, pseudonym());
      await current().delivery.deliver([one]);

      await expect(current().delivery.deliver([])).resolves.toBeUndefined();

      expectDelivered(await current().read(agencyId), [one]);
      expect(await current().read(agencyId)).toHaveLength(1);
    });

    it('delivers a large batch to twelve agencies in full', async () => {
      const run = randomUUID().slice(0, 6);
      const agencies = Array.from({ length: 12 }, (_, i) => uniqueAgencyId(`large${i}-${run}`));
      const batch = testStream(agencies, 10, 1_000);

      await current().delivery.deliver(batch);

      const received = await Promise.all(agencies.map((agencyId) => current().read(agencyId)));
      agencies.forEach((agencyId, i) => expectDelivered(received[i], sentTo(agencyId, batch)));
      expect(received.reduce((n, r) => n + new Set(r.map((m) => m.id)).size, 0)).toBe(1_000);
    });
  });
}
