import { trakDecider } from '../../src/trak/trak.decide.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { ProposedSubtrak } from '../../src/trak/trak.values.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, currentRunId, ev, historyOf, stateOf } from '../support/fixtures.js';
import { breakdownAnswered, breakdownRunning, subtasksOutput, trakIdOf, twoSubtasks, waitingOnChildren } from '../support/pipeline-support.js';

const spec = deciderSpecification(trakDecider);

const task = (title: string, dependsOn: number[] = []): ProposedSubtrak => ({
  title,
  description: `${title} description`,
  detailedInstructions: `How to do ${title}`,
  dependsOn,
});

const resultOf = (events: readonly TrakEvent[], subtasks: readonly ProposedSubtrak[]) =>
  cmd('RecordAgentRunResult', { runId: currentRunId(events), output: subtasksOutput(subtasks) });

describe('a breakdown waiting for approval with two proposed Subtraks', () => {
  const proposed = () => breakdownAnswered(twoSubtasks);

  it('creates both Subtraks with ids derived from the parent, their dependencies and the subtask flow, and waits on them', () => {
    const events = proposed();
    const parentId = trakIdOf(events);
    spec(events)
      .when(cmd('Approve', {}))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          ev('StageApproved', { stage: 'breakdown', iteration: 1, by: 'human', forced: false, at: NOW }),
          ev('SubtraksCreated', {
            stage: 'breakdown',
            iteration: 1,
            at: NOW,
            subtraks: [
              { trakId: `${parentId}-s1`, title: 'Schema', description: 'Add the health table', instructions: 'Create table health(id, status)', dependsOn: [], flow: 'subtask' },
              { trakId: `${parentId}-s2`, title: 'Endpoint', description: 'Serve /health', instructions: 'Add GET /health reading the table', dependsOn: [`${parentId}-s1`], flow: 'subtask' },
            ],
          }),
        ]);
        expect(state).toMatchObject({
          status: 'WaitingOnChildren',
          current: { stage: 'breakdown' },
          trak: {
            subtraks: [
              { trakId: `${parentId}-s1`, status: 'pending', dependsOn: [] },
              { trakId: `${parentId}-s2`, status: 'pending', dependsOn: [`${parentId}-s1`] },
            ],
          },
        });
      });
  });

  it('keeps the proposal as the breakdown artifact', () => {
    expect(stateOf(proposed())).toMatchObject({
      status: 'AwaitingApproval',
      proposal: twoSubtasks,
      trak: { artifacts: { breakdown: { content: 'Design', stage: 'breakdown' } } },
    });
  });

  it('creates no Subtrak when a human rejects the breakdown, and runs it again with the feedback', () => {
    spec(proposed())
      .when(cmd('Reject', { feedback: 'Split by service instead' }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['StageRejected', 'StageQueued']);
        expect(state).toMatchObject({
          status: 'Queued',
          current: { stage: 'breakdown', iteration: 2, trigger: { kind: 'rejection', feedback: 'Split by service instead' } },
          trak: { subtraks: [] },
        });
      });
  });

  it('numbers the Subtraks of a second, approved breakdown from s1 again after a rejected one', () => {
    let events = historyOf(proposed(), cmd('Reject', { feedback: 'Three pieces' }));
    events = breakdownAgain(events, [task('A'), task('B'), task('C', [0, 1])]);
    const parentId = trakIdOf(events);
    spec(events)
      .when(cmd('Approve', {}))
      .thenState((state) => {
        if (state.status !== 'WaitingOnChildren') throw new Error(state.status);
        expect(state.trak.subtraks.map((s) => [s.trakId, s.dependsOn])).toEqual([
          [`${parentId}-s1`, []],
          [`${parentId}-s2`, []],
          [`${parentId}-s3`, [`${parentId}-s1`, `${parentId}-s2`]],
        ]);
      });
  });

  it('creates the Subtraks when a human finishes the stage as it stands', () => {
    spec(proposed())
      .when(cmd('Finish', {}))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['StageApproved', 'SubtraksCreated']);
        expect(state.status).toBe('WaitingOnChildren');
      });
  });

  it('creates the Subtraks at once when auto mode is turned on', () => {
    spec(proposed())
      .when(cmd('SetAutoMode', { enabled: true }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['AutoModeSet', 'StageApproved', 'SubtraksCreated']);
        expect(state.status).toBe('WaitingOnChildren');
      });
  });
});

function breakdownAgain(events: TrakEvent[], subtasks: readonly ProposedSubtrak[]): TrakEvent[] {
  const runId = `again-${events.length}`;
  return historyOf(
    events,
    cmd('RequestAgentRun', { runId }),
    cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-a', sessionId: 'breakdown-2' }),
    cmd('RecordAgentRunResult', { runId, output: subtasksOutput(subtasks) }),
  );
}

describe('a breakdown agent that answers with subtasks', () => {
  it('inlines a single subtask into the breakdown artifact and creates no Subtrak', () => {
    const events = breakdownRunning();
    spec(events)
      .when(resultOf(events, [task('Only')]))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'ArtifactProduced']);
        expect(state).toMatchObject({
          status: 'AwaitingApproval',
          trak: { artifacts: { breakdown: { content: 'Design\n\n---\n\n## Implementation Instructions\n\nHow to do Only' } }, subtraks: [] },
        });
        expect(state).not.toHaveProperty('proposal');
      });
  });

  it('moves on to work when the inlined breakdown is approved', () => {
    const events = answeredWith([task('Only')]);
    spec(events)
      .when(cmd('Approve', {}))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['StageApproved', 'StageQueued']);
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work', iteration: 1 }, trak: { subtraks: [] } });
      });
  });

  it('approves the breakdown and creates the Subtraks at once in auto mode', () => {
    const events = breakdownRunning({ autoMode: true });
    const parentId = trakIdOf(events);
    spec(events)
      .when(resultOf(events, twoSubtasks))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'SubtraksProposed', 'StageApproved', 'SubtraksCreated']);
        expect(decided[2]).toMatchObject({ data: { by: 'auto' } });
        expect(state).toMatchObject({
          status: 'WaitingOnChildren',
          trak: { subtraks: [{ trakId: `${parentId}-s1` }, { trakId: `${parentId}-s2` }] },
        });
      });
  });

  describe.each([
    ['a dependency index past the end', [task('A'), task('B', [2])], /subtasks\[1\]\.depends_on refers to 2, which is not a subtask index \(0–1\)/],
    ['a negative dependency index', [task('A', [-1]), task('B')], /subtasks\[0\]\.depends_on refers to -1/],
    ['a fractional dependency index', [task('A'), task('B', [0.5])], /subtasks\[1\]\.depends_on refers to 0.5/],
    ['a subtask depending on itself', [task('A'), task('B', [1])], /subtasks\[1\] depends on itself/],
    ['a dependency cycle', [task('A', [2]), task('B', [0]), task('C', [1])], /subtasks 0, 1, 2 depend on each other in a cycle/],
    ['no subtask at all', [], /must propose at least one subtask/],
  ])('and whose proposal has %s', (_what, subtasks, error) => {
    it('counts it as malformed output and runs the breakdown again in the same session, creating nothing', () => {
      const events = breakdownRunning();
      spec(events)
        .when(resultOf(events, subtasks))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'OutputMalformed', 'StageQueued']);
          expect(decided[2]).toMatchObject({
            data: {
              stage: 'breakdown',
              iteration: 2,
              session: 'resume',
              attempts: 1,
              trigger: { kind: 'malformed_output', error: expect.stringMatching(error), attempt: 1, maxAttempts: 5 },
            },
          });
          expect(state).toMatchObject({ status: 'Queued', trak: { subtraks: [] } });
        });
    });
  });

  it('counts a Subtrak with a blank title as malformed output, since its Trak could never be created', () => {
    // CreateTrak refuses a blank title, so accepting this proposal would leave the parent waiting on a child that never exists.
    const events = breakdownRunning();
    spec(events)
      .when(resultOf(events, [task('Schema'), task('  ')]))
      .thenEventTypes(['AgentRunCompleted', 'OutputMalformed', 'StageQueued']);
  });
});

function answeredWith(subtasks: readonly ProposedSubtrak[]): TrakEvent[] {
  const events = breakdownRunning();
  return historyOf(events, resultOf(events, subtasks));
}

describe('a parent waiting on two Subtraks', () => {
  const given = () => waitingOnChildren([task('Schema'), task('Endpoint', [0])]);
  const ids = (events: readonly TrakEvent[]) => [`${trakIdOf(events)}-s1`, `${trakIdOf(events)}-s2`] as const;

  it('keeps waiting when the first one completes', () => {
    const events = given();
    const [first] = ids(events);
    spec(events)
      .when(cmd('RecordSubtrakCompleted', { subtrakId: first }))
      .thenState((state, decided) => {
        expect(decided).toEqual([ev('SubtrakCompleted', { subtrakId: first, at: NOW })]);
        expect(state).toMatchObject({ status: 'WaitingOnChildren', trak: { subtraks: [{ status: 'completed' }, { status: 'pending' }] } });
      });
  });

  it('moves to the stage after breakdown in a fresh session when the last one completes', () => {
    const events = given();
    const [first, second] = ids(events);
    spec(historyOf(events, cmd('RecordSubtrakCompleted', { subtrakId: first })))
      .when(cmd('RecordSubtrakCompleted', { subtrakId: second }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          ev('SubtrakCompleted', { subtrakId: second, at: NOW }),
          ev('StageQueued', { stage: 'work', iteration: 1, session: 'new', attempts: 0, at: NOW }),
        ]);
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work' } });
      });
  });

  it('ignores a repeated completion notice', () => {
    const events = given();
    const [first] = ids(events);
    spec(historyOf(events, cmd('RecordSubtrakCompleted', { subtrakId: first })))
      .when(cmd('RecordSubtrakCompleted', { subtrakId: first }))
      .thenNothingHappened();
  });

  it('does not move on twice when the last completion notice is repeated', () => {
    const events = given();
    const [first, second] = ids(events);
    const afterBoth = historyOf(events, cmd('RecordSubtrakCompleted', { subtrakId: first }), cmd('RecordSubtrakCompleted', { subtrakId: second }));
    spec(afterBoth).when(cmd('RecordSubtrakCompleted', { subtrakId: second })).thenNothingHappened();
  });

  it('is blocked when one fails, naming the Subtrak by title and id', () => {
    const events = given();
    const [first] = ids(events);
    spec(events)
      .when(cmd('RecordSubtrakFailed', { subtrakId: first, reason: 'Stage "work" failed 3 of 3 allowed attempts' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          ev('SubtrakFailed', { subtrakId: first, reason: 'Stage "work" failed 3 of 3 allowed attempts', at: NOW }),
          ev('TrakBlocked', {
            stage: 'breakdown',
            reason: 'SubtrakFailed',
            detail: `Subtrak "Schema" (${first}) failed: Stage "work" failed 3 of 3 allowed attempts`,
            subtrakId: first,
            at: NOW,
          }),
        ]);
        expect(state).toMatchObject({ status: 'Blocked', reason: 'SubtrakFailed', subtrakId: first, trak: { subtraks: [{ status: 'failed' }, { status: 'pending' }] } });
      });
  });

  it('refuses an unknown Subtrak id, completed or failed', () => {
    spec(given()).when(cmd('RecordSubtrakCompleted', { subtrakId: 'stranger' })).thenThrows('TRAK.VALIDATION', /stranger is not a Subtrak of Trak/);
    spec(given()).when(cmd('RecordSubtrakFailed', { subtrakId: 'stranger', reason: 'x' })).thenThrows('TRAK.VALIDATION', /stranger is not a Subtrak of Trak/);
  });

  it('takes no more notices once it was cancelled', () => {
    const cancelled = historyOf(waitingOnChildren(), cmd('Cancel', { reason: 'dropped' }));
    spec(cancelled).when(cmd('RecordSubtrakFailed', { subtrakId: `${trakIdOf(cancelled)}-s1`, reason: 'cancelled: parent Trak was cancelled' })).thenNothingHappened();
    spec(cancelled).when(cmd('RecordSubtrakCompleted', { subtrakId: `${trakIdOf(cancelled)}-s2` })).thenNothingHappened();
  });

  it('refuses approval while it waits on its Subtraks', () => {
    spec(given()).when(cmd('Approve', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is WaitingOnChildren at stage "breakdown"/);
  });
});

describe('a parent blocked by a failed Subtrak', () => {
  const setup = () => {
    const waiting = waitingOnChildren([task('Schema'), task('Endpoint')]);
    const [first, second] = [`${trakIdOf(waiting)}-s1`, `${trakIdOf(waiting)}-s2`];
    const events = historyOf(waiting, cmd('RecordSubtrakFailed', { subtrakId: first, reason: 'agent blocked' }));
    return { events, first, second };
  };

  it('refuses Retry and says to retry the Subtrak instead', () => {
    const { events, first } = setup();
    spec(events)
      .when(cmd('Retry', { message: 'try again' }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', new RegExp(`blocked by its failed Subtrak ${first}; retry that Subtrak`));
  });

  it('ignores a repeated failure notice', () => {
    const { events, first } = setup();
    spec(events).when(cmd('RecordSubtrakFailed', { subtrakId: first, reason: 'agent blocked' })).thenNothingHappened();
  });

  it('goes back to waiting when the failed Subtrak completes after a retry while another is pending', () => {
    const { events, first } = setup();
    spec(events)
      .when(cmd('RecordSubtrakCompleted', { subtrakId: first }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['SubtrakCompleted']);
        expect(state).toMatchObject({ status: 'WaitingOnChildren', current: { stage: 'breakdown' } });
      });
  });

  it('moves on to work when the failed Subtrak was the last one and completes', () => {
    const { events, first, second } = setup();
    spec(historyOf(events, cmd('RecordSubtrakCompleted', { subtrakId: second })))
      .when(cmd('RecordSubtrakCompleted', { subtrakId: first }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['SubtrakCompleted', 'StageQueued']);
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work', iteration: 1 } });
      });
  });

  it('stays blocked while the other, pending Subtrak completes', () => {
    const { events, second } = setup();
    spec(events)
      .when(cmd('RecordSubtrakCompleted', { subtrakId: second }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['SubtrakCompleted']);
        expect(state).toMatchObject({ status: 'Blocked', reason: 'SubtrakFailed' });
      });
  });

  it('stays blocked while a second Subtrak also fails, and then blames the one still failing once the first completes', () => {
    const { events, first, second } = setup();
    const bothFailed = historyOf(events, cmd('RecordSubtrakFailed', { subtrakId: second, reason: 'gate keeps failing' }));
    expect(stateOf(bothFailed)).toMatchObject({ status: 'Blocked', reason: 'SubtrakFailed' });
    const firstRecovered = historyOf(bothFailed, cmd('RecordSubtrakCompleted', { subtrakId: first }));
    expect(stateOf(firstRecovered)).toMatchObject({ status: 'Blocked', reason: 'SubtrakFailed' });
    // The person is told which Subtrak to retry: it must be the one that is still failing, not the one that completed.
    spec(firstRecovered)
      .when(cmd('Retry', { message: 'go' }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', new RegExp(`failed Subtrak ${second}; retry that Subtrak`));
  });
});
