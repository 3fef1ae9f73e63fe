import { evolve, initialState, trakDecider } from '@orkestra/domain';
import type { FlowDefinition, StageDefinition, TrakCommand, TrakEvent, TrakEventType, TrakState } from '@orkestra/domain';
import { trakFixtures } from '@orkestra/testing';
import { applyRowChanges, gateRunKey, iterationKey, runKey, timelineChanges, timelineOf } from '../src/index.js';
import type { RowChange, TimelineIteration } from '../src/index.js';

const {
  NOW,
  agentRunFailure,
  agentRunResult,
  agentRunStarted,
  approve,
  cancel,
  createTrak,
  gateResult,
  gatedFlow,
  interrupt,
  minutesLater,
  reject,
  requestAgentRun,
  requestGateRun,
  retry,
  setAutoMode,
} = trakFixtures;

const cmd = <T extends TrakCommand['type']>(type: T, data: Extract<TrakCommand, { type: T }>['data'], now = NOW): TrakCommand =>
  ({ type, data, metadata: { now, actor: 'bob' } }) as TrakCommand;

const stage = (name: string, artifact: string, extra: Partial<StageDefinition> = {}): StageDefinition => ({
  name,
  artifact,
  prompt: `${name}.md`,
  agent: { kind: 'claudecode' },
  disallowedTools: [],
  maxAttempts: 3,
  agentTimeoutSeconds: 600,
  ...extra,
});

const flowOf = (name: string, ...stages: StageDefinition[]): FlowDefinition => ({ name, stages, integration: { onFailure: stages[0]!.name, autoMerge: false } });

/** A plain stage, then a reviewing stage whose agent answers with a verdict. */
const reviewedFlow = flowOf('reviewed', stage('work', 'summary'), stage('review', 'verdict', { gate: { kind: 'agent' } }));
/** A breakdown stage that may split the Trak into Subtraks. */
const breakdownFlow = flowOf('breakdown', stage('plan', 'plan', { subtasks: { flow: 'breakdown' } }), stage('work', 'summary'));
const plainFlow = flowOf('plain', stage('work', 'summary'));

const T = 't-1';
const iteration = (stageName: string, n: number): string => iterationKey({ trakId: T, stage: stageName, iteration: n });
const run = (runId: string): string => runKey({ trakId: T, runId });
const gate = (gateRunId: string): string => gateRunKey({ trakId: T, gateRunId });

const artifact = (content: string) => ({ type: 'artifact', content }) as const;
const usage = { inputTokens: 1200, outputTokens: 300, costUsd: 0.04 };

const exercised = new Set<TrakEventType>();

interface Outcome {
  readonly events: readonly string[];
  readonly iterations: readonly RowChange<TimelineIteration>[];
  readonly runs: readonly RowChange<unknown>[];
  readonly gates: readonly RowChange<unknown>[];
}

/** The Trak after `history`; `when` gives the events a command decides and the timeline changes each makes from the state before it. */
function given(...history: TrakCommand[]) {
  let state: TrakState = initialState();
  let position = 0;
  for (const command of history) {
    for (const event of trakDecider.decide(command, state)) {
      state = evolve(state, event);
      position += 1;
    }
  }
  return {
    when(command: TrakCommand): Outcome {
      const outcome = { events: [] as string[], iterations: [] as RowChange<TimelineIteration>[], runs: [] as RowChange<unknown>[], gates: [] as RowChange<unknown>[] };
      let before = state;
      let at = position;
      for (const event of trakDecider.decide(command, state) as TrakEvent[]) {
        at += 1;
        const changes = timelineChanges(before, event, at);
        exercised.add(event.type);
        outcome.events.push(event.type);
        outcome.iterations.push(...changes.iterations);
        outcome.runs.push(...changes.runs);
        outcome.gates.push(...changes.gates);
        before = evolve(before, event);
      }
      return outcome;
    },
  };
}

const created = (withFlow: FlowDefinition = gatedFlow) => createTrak(T, 'p-1', withFlow);
const running = (withFlow: FlowDefinition = gatedFlow) => [created(withFlow), requestAgentRun('r1'), agentRunStarted('r1', 'runner-1', 'sess-1')];
const gateRunning = () => [...running(), agentRunResult('r1', artifact('done'), usage), requestGateRun('g1')];
const awaitingApproval = () => [...gateRunning(), gateResult('g1', 0, 'ok')];

describe('the timeline of a Trak, event by event', () => {
  describe('a new Trak', () => {
    it('begins the first iteration of its first stage, with no trigger', () => {
      expect(given().when(created())).toEqual({
        events: ['TrakCreated', 'StageQueued'],
        iterations: [
          {
            insert: {
              trakId: T, stage: 'work', iteration: 1, position: 2, trigger: null, attempts: 0, startedAt: NOW,
              endedAt: null, outcome: null, outcomeDetail: null, artifact: null,
            },
          },
        ],
        runs: [],
        gates: [],
      });
    });

    it('that waits for a sibling begins its first iteration once the sibling is in', () => {
      const dependent = { ...created(), data: { ...created().data, dependsOn: ['t-0'] } } as TrakCommand;
      expect(given(dependent).when(cmd('RecordDependencyCompleted', { dependencyId: 't-0' }))).toMatchObject({
        events: ['DependencyCompleted', 'StageQueued'],
        iterations: [{ insert: { stage: 'work', iteration: 1, position: 3, trigger: null } }],
      });
    });
  });

  describe('an agent run', () => {
    it('is requested with the agent and model its stage names in the flow recorded on the Trak', () => {
      expect(given(created()).when(requestAgentRun('r1', minutesLater(1)))).toEqual({
        events: ['AgentRunRequested'],
        iterations: [],
        runs: [
          {
            insert: {
              trakId: T, runId: 'r1', stage: 'work', iteration: 1, position: 3, agent: 'claudecode', model: 'claude-sonnet-4-5',
              requestedAt: minutesLater(1), runnerId: null, takenOverFrom: null, startedAt: null, sessionId: null, endedAt: null, status: 'requested',
              failureReason: null, failureMessage: null, inputTokens: null, outputTokens: null, costUsd: null, outputType: null,
            },
          },
        ],
        gates: [],
      });
    });

    it('runs on the runner that took it, in the session it reports', () => {
      expect(given(created(), requestAgentRun('r1')).when(agentRunStarted('r1', 'runner-1', 'sess-1', minutesLater(2))).runs).toEqual([
        { key: run('r1'), set: { status: 'running', runnerId: 'runner-1', startedAt: minutesLater(2), sessionId: 'sess-1' } },
      ]);
    });

    it('names the runner that took it over, and the one it took it from, when its runner stopped', () => {
      const takeover = cmd('RecordAgentRunStarted', { runId: 'r1', runnerId: 'runner-2', incarnation: 'life-1', sessionId: 'sess-2' }, minutesLater(3));
      expect(given(created(), requestAgentRun('r1'), agentRunStarted('r1', 'runner-1', 'sess-1', minutesLater(2))).when(takeover).runs).toEqual([
        { key: run('r1'), set: { status: 'running', runnerId: 'runner-2', startedAt: minutesLater(3), sessionId: 'sess-2', takenOverFrom: 'runner-1' } },
      ]);
    });

    it('completes with its usage and output type, and its artifact is named on the iteration', () => {
      const outcome = given(...running()).when(agentRunResult('r1', artifact('done'), usage, minutesLater(5)));
      expect(outcome).toEqual({
        events: ['AgentRunCompleted', 'ArtifactProduced'],
        iterations: [{ key: iteration('work', 1), set: { artifact: 'summary' } }],
        runs: [
          { key: run('r1'), set: { status: 'completed', endedAt: minutesLater(5), outputType: 'artifact', inputTokens: 1200, outputTokens: 300, costUsd: 0.04 } },
        ],
        gates: [],
      });
    });

    it('that crashes fails, ends the iteration as an agent error, and the stage runs again', () => {
      const outcome = given(...running()).when(agentRunFailure('r1', 'Exited', 'exit code 137', minutesLater(3)));
      expect(outcome).toMatchObject({
        events: ['AgentRunFailed', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { endedAt: minutesLater(3), outcome: 'agent_error', outcomeDetail: 'Exited: exit code 137' } },
          { insert: { stage: 'work', iteration: 2, trigger: { kind: 'agent_failure', reason: 'Exited', message: 'exit code 137' }, attempts: 1 } },
        ],
        runs: [
          {
            key: run('r1'),
            set: { status: 'failed', endedAt: minutesLater(3), failureReason: 'Exited', failureMessage: 'exit code 137', inputTokens: 0, outputTokens: 0, costUsd: 0 },
          },
        ],
      });
    });

    it('with unusable output ends the iteration as malformed, counting the attempt', () => {
      expect(given(...running()).when(agentRunResult('r1', { type: 'malformed', error: 'no ork block' }, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'OutputMalformed', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { outcome: 'malformed', outcomeDetail: 'no ork block (attempt 1 of 3)' } },
          { insert: { iteration: 2, attempts: 1, trigger: { kind: 'malformed_output', error: 'no ork block', attempt: 1, maxAttempts: 3 } } },
        ],
        runs: [{ key: run('r1'), set: { status: 'completed', outputType: 'malformed' } }],
      });
    });

    it('whose agent reports a failure fails the iteration with the Trak', () => {
      expect(given(...running()).when(agentRunResult('r1', { type: 'failed', error: 'cannot build' }, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'TrakFailed'],
        iterations: [{ key: iteration('work', 1), set: { outcome: 'failed', outcomeDetail: 'The agent reported a failure: cannot build' } }],
      });
    });

    it('whose agent is blocked blocks the iteration with the Trak', () => {
      expect(given(...running()).when(agentRunResult('r1', { type: 'blocked', reason: 'needs credentials' }, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'TrakBlocked'],
        iterations: [{ key: iteration('work', 1), set: { outcome: 'blocked', outcomeDetail: 'needs credentials' } }],
      });
    });

    it('stops when a person interrupts the Trak, and the iteration ends interrupted', () => {
      expect(given(...running()).when(interrupt(minutesLater(4)))).toEqual({
        events: ['TrakInterrupted'],
        iterations: [{ key: iteration('work', 1), set: { endedAt: minutesLater(4), outcome: 'interrupted', outcomeDetail: null } }],
        runs: [{ key: run('r1'), set: { status: 'stopped', endedAt: minutesLater(4), failureReason: 'Interrupted' } }],
        gates: [],
      });
    });

    it('stops when the Trak is cancelled, and the iteration ends cancelled with the reason', () => {
      expect(given(...running()).when(cancel('not needed'))).toEqual({
        events: ['TrakCancelled'],
        iterations: [{ key: iteration('work', 1), set: { endedAt: NOW, outcome: 'cancelled', outcomeDetail: 'not needed' } }],
        runs: [{ key: run('r1'), set: { status: 'stopped', endedAt: NOW, failureReason: 'Cancelled' } }],
        gates: [],
      });
    });
  });

  describe('a gate run', () => {
    it('is requested with its stage\'s command', () => {
      expect(given(...running(), agentRunResult('r1', artifact('done'), usage)).when(requestGateRun('g1', minutesLater(6))).gates).toEqual([
        {
          insert: {
            trakId: T, gateRunId: 'g1', stage: 'work', iteration: 1, position: 7, command: 'npm test', requestedAt: minutesLater(6),
            endedAt: null, status: 'running', passed: null, exitCode: null, timedOut: null, output: null,
          },
        },
      ]);
    });

    it('that passes records its output and leaves the iteration waiting for review', () => {
      expect(given(...gateRunning()).when(gateResult('g1', 0, 'all green', minutesLater(7)))).toEqual({
        events: ['GatePassed'],
        iterations: [],
        runs: [],
        gates: [{ key: gate('g1'), set: { status: 'passed', endedAt: minutesLater(7), passed: true, exitCode: 0, timedOut: false, output: 'all green' } }],
      });
    });

    it('that fails ends the iteration as gate_failed and the stage runs again with its output', () => {
      expect(given(...gateRunning()).when(gateResult('g1', 1, '2 failing', minutesLater(7)))).toMatchObject({
        events: ['GateFailed', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { endedAt: minutesLater(7), outcome: 'gate_failed', outcomeDetail: 'exit code 1 (attempt 1 of 3)' } },
          { insert: { iteration: 2, attempts: 1, trigger: { kind: 'gate_failure', error: 'Gate failed with exit code 1:\n2 failing' } } },
        ],
        gates: [{ key: gate('g1'), set: { status: 'failed', passed: false, exitCode: 1, timedOut: false, output: '2 failing' } }],
      });
    });

    it('that times out says so', () => {
      expect(given(...gateRunning()).when(gateResult('g1', null, '', NOW, true)).iterations[0]).toMatchObject({ set: { outcomeDetail: 'timed out (attempt 1 of 3)' } });
    });

    it('stops when a person interrupts or cancels the Trak', () => {
      expect(given(...gateRunning()).when(interrupt()).gates).toEqual([{ key: gate('g1'), set: { status: 'stopped', endedAt: NOW } }]);
      expect(given(...gateRunning()).when(cancel('wrong repo')).gates).toEqual([{ key: gate('g1'), set: { status: 'stopped', endedAt: NOW } }]);
    });
  });

  describe('a person reviewing the output', () => {
    it('approves it: the iteration ends approved and the Trak is done', () => {
      expect(given(...awaitingApproval()).when(approve(minutesLater(9)))).toEqual({
        events: ['StageApproved', 'TrakDone'],
        iterations: [{ key: iteration('work', 1), set: { endedAt: minutesLater(9), outcome: 'approved', outcomeDetail: 'approved by a person' } }],
        runs: [],
        gates: [],
      });
    });

    it('finishes the stage without review', () => {
      expect(given(...awaitingApproval()).when(cmd('Finish', {})).iterations[0]).toMatchObject({ set: { outcome: 'approved', outcomeDetail: 'finished by a person without review' } });
    });

    it('rejects it: the iteration ends rejected with the feedback and the stage runs again in a fresh session', () => {
      expect(given(...awaitingApproval()).when(reject('add tests', minutesLater(9)))).toMatchObject({
        events: ['StageRejected', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { outcome: 'rejected', outcomeDetail: 'add tests' } },
          { insert: { iteration: 2, attempts: 0, trigger: { kind: 'rejection', fromStage: 'work', feedback: 'add tests' } } },
        ],
      });
    });

    it('sends it back to the agent with a message: the iteration ends retried', () => {
      expect(given(...awaitingApproval()).when(retry('also cover HEAD', minutesLater(9)))).toMatchObject({
        events: ['StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { endedAt: minutesLater(9), outcome: 'retried', outcomeDetail: 'also cover HEAD' } },
          { insert: { iteration: 2, trigger: { kind: 'user_message', message: 'also cover HEAD' } } },
        ],
      });
    });

    it('restarts the stage, or sends the Trak to a stage: the iteration ends restarted or redirected', () => {
      expect(given(...awaitingApproval()).when(cmd('Restart', { message: 'start over' })).iterations[0]).toMatchObject({
        set: { outcome: 'restarted', outcomeDetail: 'start over' },
      });
      expect(given(...awaitingApproval()).when(cmd('SendToStage', { stage: 'work', message: 'once more' })).iterations[0]).toMatchObject({
        set: { outcome: 'redirected', outcomeDetail: 'to "work": once more' },
      });
    });

    it('skips the stage', () => {
      expect(given(...awaitingApproval()).when(cmd('Skip', { message: 'not needed' }))).toMatchObject({
        events: ['StageSkipped', 'TrakDone'],
        iterations: [{ key: iteration('work', 1), set: { outcome: 'skipped', outcomeDetail: 'not needed' } }],
      });
    });

    it('retries a Trak whose iteration already ended: only the new iteration is begun', () => {
      const failed = [...running(), agentRunResult('r1', { type: 'failed', error: 'cannot build' }, undefined)];
      const outcome = given(...failed).when(retry('try again'));
      // The ending it proposes for the failed iteration applies only to an open row.
      const rows = new Map([[iteration('work', 1), { endedAt: NOW, outcome: 'failed' } as TimelineIteration]]);
      applyRowChanges(rows, outcome.iterations, iterationKey);
      expect(rows.get(iteration('work', 1))).toMatchObject({ outcome: 'failed' });
      expect(rows.get(iteration('work', 2))).toMatchObject({ trigger: { kind: 'user_message', message: 'try again' } });
    });
  });

  describe('a job waiting for a runner with its labels', () => {
    it('leaves the run requested and the iteration open while it waits, and when a runner is found', () => {
      const waiting = [created(), requestAgentRun('r1'), cmd('RecordNoRunner', { jobId: 'r1', labels: ['gpu'], agent: 'claudecode' })];
      expect(given(created(), requestAgentRun('r1')).when(waiting[2]!)).toEqual({ events: ['NoRunnerFound'], iterations: [], runs: [], gates: [] });
      expect(given(...waiting).when(cmd('RecordRunnerFound', { jobId: 'r1' }))).toEqual({ events: ['RunnerFound'], iterations: [], runs: [], gates: [] });
    });
  });

  describe('questions', () => {
    const asking = () => [...running(plainFlow), agentRunResult('r1', { type: 'questions', questions: [{ question: 'Which port?', options: [] }] }, undefined)];

    it('leave the iteration open while they wait', () => {
      expect(given(...running(plainFlow)).when(agentRunResult('r1', { type: 'questions', questions: [{ question: 'Which port?', options: [] }] }, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'QuestionsAsked'],
        iterations: [],
      });
    });

    it('once answered end the iteration, and the answers begin the next', () => {
      expect(given(...asking()).when(cmd('AnswerQuestions', { answers: ['8080'] }))).toMatchObject({
        events: ['QuestionsAnswered', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { outcome: 'answered', outcomeDetail: '1 question answered by a person' } },
          { insert: { iteration: 2, trigger: { kind: 'answers', answers: [{ question: 'Which port?', answer: '8080' }] } } },
        ],
      });
    });

    it('that auto mode stops answering leave the iteration open for a person', () => {
      const history: TrakCommand[] = [{ ...createTrak(T, 'p-1', plainFlow), data: { ...createTrak(T, 'p-1', plainFlow).data, autoMode: true } }];
      const ask = (n: number) => [requestAgentRun(`r${n}`), agentRunResult(`r${n}`, { type: 'questions', questions: [{ question: `Q${n}?`, options: [] }] }, undefined)];
      expect(given(...history, ...ask(1), ...ask(2), ...ask(3), requestAgentRun('r4')).when(ask(4)[1]!)).toMatchObject({
        events: ['AgentRunCompleted', 'QuestionsAsked', 'AutoAnswerLimitReached'],
        iterations: [],
      });
    });
  });

  describe('a reviewing stage', () => {
    const reviewing = () => [
      created(reviewedFlow),
      requestAgentRun('r1'),
      agentRunResult('r1', artifact('done'), undefined),
      approve(),
      requestAgentRun('r2'),
    ];

    it('whose agent rejects the work names the verdict as the iteration\'s artifact and waits', () => {
      expect(given(...reviewing()).when(agentRunResult('r2', { type: 'approval', decision: 'reject', content: 'no tests' }, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'RejectionProposed'],
        iterations: [{ key: iteration('review', 1), set: { artifact: 'verdict' } }],
      });
    });

    it('ends rejection_confirmed when a person confirms, and the earlier stage runs again', () => {
      const proposed = [...reviewing(), agentRunResult('r2', { type: 'approval', decision: 'reject', content: 'no tests' }, undefined)];
      expect(given(...proposed).when(approve())).toMatchObject({
        events: ['RejectionConfirmed', 'StageQueued'],
        iterations: [
          { key: iteration('review', 1), set: { outcome: 'rejection_confirmed', outcomeDetail: 'the agent\'s rejection was confirmed by a person; back to "work": no tests' } },
          { insert: { stage: 'work', iteration: 2, trigger: { kind: 'rejection', fromStage: 'review', feedback: 'no tests' } } },
        ],
      });
    });

    it('in auto mode is approved by auto mode', () => {
      const auto = [created(reviewedFlow), setAutoMode(true), requestAgentRun('r1')];
      expect(given(...auto).when(agentRunResult('r1', artifact('done'), undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'ArtifactProduced', 'StageApproved', 'StageQueued'],
        iterations: [
          { key: iteration('work', 1), set: { artifact: 'summary' } },
          { key: iteration('work', 1), set: { outcome: 'approved', outcomeDetail: 'approved by auto mode' } },
          { insert: { stage: 'review', iteration: 1, trigger: null } },
        ],
      });
    });
  });

  describe('Subtraks', () => {
    const proposal = {
      type: 'subtasks',
      content: 'two parts',
      subtasks: [
        { title: 'A', description: 'a', detailedInstructions: 'do a', dependsOn: [] },
        { title: 'B', description: 'b', detailedInstructions: 'do b', dependsOn: [0] },
      ],
    } as const;
    const proposed = () => [created(breakdownFlow), requestAgentRun('r1'), agentRunResult('r1', proposal, undefined)];

    it('proposed are stored as the breakdown stage\'s artifact', () => {
      expect(given(created(breakdownFlow), requestAgentRun('r1')).when(agentRunResult('r1', proposal, undefined))).toMatchObject({
        events: ['AgentRunCompleted', 'SubtraksProposed'],
        iterations: [{ key: iteration('plan', 1), set: { artifact: 'plan' } }],
      });
    });

    it('created on approval leave the timeline to the Subtraks; the parent moves on when they complete', () => {
      expect(given(...proposed()).when(approve())).toMatchObject({ events: ['StageApproved', 'SubtraksCreated'] });
      expect(given(...proposed(), approve(), cmd('RecordSubtrakCompleted', { subtrakId: 't-1-s1' })).when(cmd('RecordSubtrakCompleted', { subtrakId: 't-1-s2' }))).toMatchObject({
        events: ['SubtrakCompleted', 'StageQueued'],
        iterations: [{ insert: { stage: 'work', iteration: 1, trigger: null } }],
      });
    });

    it('that fails blocks the parent without touching its approved breakdown iteration', () => {
      const outcome = given(...proposed(), approve()).when(cmd('RecordSubtrakFailed', { subtrakId: 't-1-s1', reason: 'gate' }));
      expect(outcome.events).toEqual(['SubtrakFailed', 'TrakBlocked']);
      const rows = new Map([[iteration('plan', 1), { endedAt: NOW, outcome: 'approved' } as TimelineIteration]]);
      expect(applyRowChanges(rows, outcome.iterations, iterationKey).size).toBe(0);
    });
  });

  describe('integration and the rest of a Trak\'s life', () => {
    const done = () => [...awaitingApproval(), approve()];

    it('changes nothing in the timeline until a failed merge begins an iteration of the recovery stage', () => {
      for (const outcome of [
        given(...done()).when(cmd('RequestIntegration', { jobId: 'j1', mode: 'merge' })),
        given(...done(), cmd('RequestIntegration', { jobId: 'j1', mode: 'merge' })).when(cmd('RecordIntegrationResult', { jobId: 'j1', result: { kind: 'merged' } })),
        given(...done(), cmd('RequestIntegration', { jobId: 'j1', mode: 'pr' })).when(cmd('RecordIntegrationResult', { jobId: 'j1', result: { kind: 'pr_opened', url: 'https://x/pr/1' } })),
        given(...done(), cmd('RequestIntegration', { jobId: 'j1', mode: 'pr' })).when(cmd('RecordIntegrationResult', { jobId: 'j1', result: { kind: 'failed', message: 'no token' } })),
        given(...done()).when(cmd('Archive', {})),
        given(created()).when(setAutoMode(true)),
      ]) {
        expect([outcome.iterations, outcome.runs, outcome.gates]).toEqual([[], [], []]);
      }
      const conflict = { kind: 'conflict', message: 'conflict in a.ts', conflictFiles: ['a.ts'] } as const;
      expect(given(...done(), cmd('RequestIntegration', { jobId: 'j1', mode: 'merge' })).when(cmd('RecordIntegrationResult', { jobId: 'j1', result: conflict }))).toMatchObject({
        events: ['IntegrationFailed', 'StageQueued'],
        iterations: [{ insert: { stage: 'work', iteration: 2, trigger: { kind: 'integration', message: 'conflict in a.ts', conflictFiles: ['a.ts'] } } }],
      });
    });
  });
});

describe('a Trak driven through a gate failure, a retry, a rejection and an approval', () => {
  it('folds into four iterations, four runs and four gate runs, each ended as it happened', () => {
    const steps: TrakCommand[] = [created()];
    let minute = 0;
    const work = (n: number, exitCode: number) => {
      steps.push(
        requestAgentRun(`r${n}`, minutesLater(++minute)),
        agentRunStarted(`r${n}`, 'runner-1', 'sess-1', minutesLater(++minute)),
        agentRunResult(`r${n}`, artifact(`take ${n}`), usage, minutesLater(++minute)),
        requestGateRun(`g${n}`, minutesLater(++minute)),
        gateResult(`g${n}`, exitCode, exitCode === 0 ? 'ok' : 'FAIL', minutesLater(++minute)),
      );
    };
    work(1, 1);
    work(2, 0);
    steps.push(retry('handle HEAD too', minutesLater(++minute)));
    work(3, 0);
    steps.push(reject('needs a test', minutesLater(++minute)));
    work(4, 0);
    steps.push(approve(minutesLater(++minute)));

    let state: TrakState = initialState();
    const events: { type: string; data: Record<string, unknown>; streamPosition: number }[] = [];
    for (const command of steps) {
      for (const event of trakDecider.decide(command, state)) {
        events.push({ type: event.type, data: event.data as unknown as Record<string, unknown>, streamPosition: events.length + 1 });
        state = evolve(state, event);
      }
    }
    const timeline = timelineOf(events);

    expect(timeline.iterations.map((i) => [i.iteration, i.trigger?.kind ?? null, i.outcome, i.artifact])).toEqual([
      [1, null, 'gate_failed', 'summary'],
      [2, 'gate_failure', 'retried', 'summary'],
      [3, 'user_message', 'rejected', 'summary'],
      [4, 'rejection', 'approved', 'summary'],
    ]);
    expect(timeline.runs.map((r) => [r.runId, r.iteration, r.status, r.sessionId, r.outputType])).toEqual([
      ['r1', 1, 'completed', 'sess-1', 'artifact'],
      ['r2', 2, 'completed', 'sess-1', 'artifact'],
      ['r3', 3, 'completed', 'sess-1', 'artifact'],
      ['r4', 4, 'completed', 'sess-1', 'artifact'],
    ]);
    expect(timeline.gates.map((g) => [g.gateRunId, g.iteration, g.status, g.exitCode])).toEqual([
      ['g1', 1, 'failed', 1],
      ['g2', 2, 'passed', 0],
      ['g3', 3, 'passed', 0],
      ['g4', 4, 'passed', 0],
    ]);
  });
});

// Adding an event type to the domain breaks this list until it is named, and the spec until it is exercised above.
const EVERY_EVENT_TYPE: Record<TrakEventType, true> = {
  TrakCreated: true, DependencyCompleted: true, StageQueued: true, AgentRunRequested: true, AgentRunStarted: true,
  AgentRunCompleted: true, AgentRunFailed: true, ArtifactProduced: true, QuestionsAsked: true, QuestionsAnswered: true,
  AutoAnswerLimitReached: true, NoRunnerFound: true, RunnerFound: true, SubtraksProposed: true, RejectionProposed: true, RejectionConfirmed: true, OutputMalformed: true,
  GateRunRequested: true, GatePassed: true, GateFailed: true, StageApproved: true, StageRejected: true, StageSkipped: true,
  TrakInterrupted: true, AutoModeSet: true, SubtraksCreated: true, SubtrakCompleted: true, SubtrakFailed: true, TrakDone: true,
  IntegrationRequested: true, IntegrationSucceeded: true, IntegrationFailed: true, PullRequestOpened: true, PullRequestFailed: true,
  TrakArchived: true, TrakFailed: true, TrakBlocked: true, TrakCancelled: true,
};

describe('this spec', () => {
  // Runs last: Jest runs a file's tests in the order they are declared.
  it('has shown what every event type does', () => {
    expect([...exercised].sort()).toEqual(Object.keys(EVERY_EVENT_TYPE).sort());
  });
});
