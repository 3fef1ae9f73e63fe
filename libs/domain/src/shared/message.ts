/** Plain, serialisable messages. Time and the acting user come in on the command's metadata. */
export interface CommandMetadata {
  /** ISO-8601 time the command was issued; the only clock the domain sees. */
  readonly now: string;
  /** Who issued it: a user id, or a service name such as `scheduler`. */
  readonly actor?: string;
}

export interface Command<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

export interface Event<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<State, Cmd extends Command, Evt extends Event> {
  decide(command: Cmd, state: State): Evt[];
  evolve(state: State, event: Evt): State;
  initialState(): State;
}

/** Folds events onto a state; what a command handler does before `decide`. */
export function foldEvents<State, Evt extends Event>(
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState'>,
  events: readonly Evt[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

export function assertNever(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
