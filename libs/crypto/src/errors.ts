import { HubError } from '@onestop/domain';

/** The person was erased: their data key no longer exists. */
export class KeyDestroyedError extends HubError {
  constructor() {
    super('person.erased', 'the person was erased');
  }
}
