import type { Command, Decider, Event } from '../../src/shared/message.js';
import { DomainError } from '../../src/shared/domain-error.js';
import type { DomainErrorCode } from '../../src/shared/domain-error.js';

/**
 * given(events).when(command).then(events): the decider's rules stated as examples, with no I/O.
 * `thenState` applies the decided events and checks the resulting state.
 */
export function deciderSpecification<S, C extends Command, E extends Event>(decider: Decider<S, C, E>) {
  return (given: readonly E[]) => ({
    when(command: C) {
      const state = given.reduce(decider.evolve, decider.initialState());
      const run = (): E[] => decider.decide(command, state);
      return {
        then(expected: readonly E[]): void {
          expect(run()).toEqual(expected);
        },
        thenEventTypes(expected: readonly E['type'][]): E[] {
          const events = run();
          expect(events.map((e) => e.type)).toEqual(expected);
          return events;
        },
        thenState(check: (state: S, events: E[]) => void): void {
          const events = run();
          check(events.reduce(decider.evolve, state), events);
        },
        thenNothingHappened(): void {
          expect(run()).toEqual([]);
        },
        /** `details` is matched partially, e.g. `{ field: 'remote' }`. Returns the error for further checks. */
        thenThrows(code: DomainErrorCode, message?: string | RegExp, details?: Record<string, unknown>): DomainError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          expect((thrown as DomainError).code).toBe(code);
          if (message !== undefined) expect((thrown as DomainError).message).toMatch(message);
          if (details !== undefined) expect((thrown as DomainError).details).toMatchObject(details);
          return thrown as DomainError;
        },
      };
    },
  });
}
