/**
 * An aggregate as plain functions (emmett style): `decide` turns a command and the current
 * state into new events or throws a `DomainError`; `evolve` folds one event into the state.
 */
export interface Decider<Command, Event, State, Context = void> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, context: Context): Event[];
}

/** Folds events into a state with a decider's `evolve`. */
export const foldEvents = <Event, State>(
  decider: Pick<Decider<never, Event, State, never>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());
