import { appendContract } from './contract/append.contract';
import { durabilityContract } from './contract/durability.contract';
import type { EventStoreContractFactory, EventStoreContractSubject } from './contract/fixtures';
import { readContract } from './contract/read.contract';
import { subscribeContract } from './contract/subscribe.contract';

/**
 * The behaviour every `EventStore` adapter must show, as one jest `describe` block. Each test gets
 * a fresh subject from `factory` and calls its `cleanup` afterwards. Tests write only to streams
 * named with a fresh UUID and look only at those streams or at positions they recorded, so the
 * suite also runs against a shared server that already holds other events.
 */
export function describeEventStoreContract(name: string, factory: EventStoreContractFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject | undefined;
    const context = {
      subject: (): EventStoreContractSubject => {
        if (!subject) throw new Error('the contract subject is only available inside a test');
        return subject;
      },
    };

    beforeEach(async () => {
      subject = await factory();
    });

    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    appendContract(context);
    readContract(context);
    subscribeContract(context);
    durabilityContract(context);
  });
}
