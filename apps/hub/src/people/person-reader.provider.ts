import { Provider } from '@nestjs/common';
import { HubRuntime, PersonReader } from '@onestop/application';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

export const PERSON_READER = Symbol('PersonReader');

export const personReaderProvider: Provider = {
  provide: PERSON_READER,
  inject: [HUB_RUNTIME],
  useFactory: (r: HubRuntime) => new PersonReader(r.db, r.repository, r.directory, r.keys, r.pseudonymizer),
};
