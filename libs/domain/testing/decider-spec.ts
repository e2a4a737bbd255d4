import { Decider, DomainError, HubError, ValidationError } from '@onestop/domain';

/** Any `HubError` subclass, whatever its constructor takes. */
export type HubErrorClass = abstract new (...args: never[]) => HubError;

/** What a failed decision must carry besides its code. */
export interface ExpectedError {
  /** The class thrown; `ValidationError` for `validation.failed`, else `DomainError` by default. */
  as?: HubErrorClass;
  /** A subset of the error's `details`. */
  details?: Record<string, unknown>;
}

/** A command with its context; deciders without context take the command alone. */
type WhenArgs<Command, Context> = [Context] extends [void] ? [command: Command] : [command: Command, context: Context];

/** The outcome of one decision, to assert on. */
export interface DecisionAssertions<Event> {
  /** The decision records exactly these events, in order (`[]`: nothing to record). */
  then(expected: readonly Event[]): void;
  /** The decision is refused with a `HubError` of this code (and class, and details). */
  thenThrows(code: string, expected?: ExpectedError): void;
  /** The decision is refused as invalid input naming exactly these fields (matchers allowed). */
  thenFailsValidation(fields: Record<string, unknown>): void;
}

/**
 * Given/when/then for a decider (emmett style): the events already in the stream, the command
 * with its context, and the events expected or the error code refusing it.
 *
 * ```ts
 * const spec = DeciderSpecification.for(referralDecider);
 * spec.given([raised, withdrawn]).when(accept, context).thenThrows('referral.invalid-transition');
 * ```
 */
export const DeciderSpecification = {
  for<Command, Event, State, Context>(decider: Decider<Command, Event, State, Context>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(...[command, context]: WhenArgs<Command, Context>): DecisionAssertions<Event> {
            const decide = (): Event[] => {
              const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
              return decider.decide(command, state, context as Context);
            };
            return assertionsFor(decide);
          },
        };
      },
    };
  },
};

function assertionsFor<Event>(decide: () => Event[]): DecisionAssertions<Event> {
  const refusal = (code: string, expected: ExpectedError): HubError => {
    let events: Event[];
    try {
      events = decide();
    } catch (error) {
      expect(error).toBeInstanceOf(HubError);
      expect({ code: (error as HubError).code }).toEqual({ code });
      expect(error).toBeInstanceOf(expected.as ?? (code === 'validation.failed' ? ValidationError : DomainError));
      if (expected.details) expect((error as HubError).details).toMatchObject(expected.details);
      return error as HubError;
    }
    throw new Error(`expected ${code}, but the decision recorded ${JSON.stringify(events, null, 2)}`);
  };
  return {
    then(expected) {
      if (typeof expected === 'function') throw new Error('a specification is not a promise: pass the expected events');
      expect(decide()).toEqual(expected);
    },
    thenThrows(code, expected = {}) {
      refusal(code, expected);
    },
    thenFailsValidation(fields) {
      const error = refusal('validation.failed', { as: ValidationError }) as ValidationError;
      expect(error.fields).toEqual(fields);
    },
  };
}
