import type { Event } from '../../src/shared/message.js';

type Output = { readonly kind: string };

/**
 * given(events).when(input).then(outputs) for a pure workflow whose state is folded from the
 * given events (plus the input event itself, when the input is an event).
 */
export function workflowSpecification<S, E extends Event, I, O extends Output>(workflow: {
  decide: (input: I, state: S) => O[];
  evolve: (state: S, event: E) => S;
  initialState: () => S;
  eventOf: (input: I) => E | undefined;
}) {
  return (given: readonly E[]) => ({
    when(input: I) {
      const inputEvent = workflow.eventOf(input);
      const history = inputEvent === undefined ? given : [...given, inputEvent];
      const state = history.reduce(workflow.evolve, workflow.initialState());
      const run = (): O[] => workflow.decide(input, state);
      return {
        then(expected: readonly O[]): void {
          expect(run()).toEqual(expected);
        },
        thenContains(expected: readonly Partial<O>[]): O[] {
          const outputs = run();
          expect(outputs).toEqual(expected.map((e) => expect.objectContaining(e)));
          return outputs;
        },
        thenNothingHappened(): void {
          expect(run()).toEqual([]);
        },
        thenIgnored(reason: string): void {
          const outputs = run();
          expect(outputs).toEqual([expect.objectContaining({ kind: 'ignore', reason })]);
        },
      };
    },
  });
}
