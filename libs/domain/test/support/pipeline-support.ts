import { decidePipeline } from '../../src/pipeline/pipeline.decide.js';
import type { AgentRunJob, GateRunJob, IntegrationJob, Job, JobResult, PendingCommand, PipelineInput, PipelineOutput, Timer } from '../../src/pipeline/pipeline.types.js';
import type { CreateTrak, RecordIntegrationResult, TrakCommand } from '../../src/trak/trak.commands.js';
import { decide } from '../../src/trak/trak.decide.js';
import type { TrakCreated, TrakEvent } from '../../src/trak/trak.events.js';
import { evolve } from '../../src/trak/trak.evolve.js';
import type { TrakRecord, TrakState } from '../../src/trak/trak.state.js';
import { initialState } from '../../src/trak/trak.state.js';
import type { AgentOutput, ProposedSubtrak, Usage } from '../../src/trak/trak.values.js';
import { NOW, cmd, historyOf, stateOf } from './fixtures.js';
import { answered, artifact, gateRequested, gateResult, newTrak, ran, runningAtReview, started } from './scenarios.js';
import { workflowSpecification } from './workflow-specification.js';

// ---------------------------------------------------------------------------------------------
// The pipeline as a given/when/then specification

/** given(history).when(input): the state is the history plus the input event, as the scheduler passes it. */
export const pipelineSpec = workflowSpecification<TrakState, TrakEvent, PipelineInput, PipelineOutput>({
  decide: decidePipeline,
  evolve,
  initialState,
  eventOf: (input) => (input.kind === 'event' ? input.event : undefined),
});

export const eventInput = (event: TrakEvent): PipelineInput => ({ kind: 'event', event });
export const resultInput = (result: JobResult): PipelineInput => ({ kind: 'result', result });
export const timerInput = (timer: Timer, firedAt: string = NOW): PipelineInput => ({ kind: 'timer', timer, firedAt });

/** The pipeline's answer to the last event of a reachable history (that event is the input; the rest is given). */
export function whenLastEvent<T extends TrakEvent['type']>(events: readonly TrakEvent[], type: T) {
  const last = events[events.length - 1];
  if (last?.type !== type) throw new Error(`expected the history to end with ${type}, got ${last?.type ?? 'nothing'}`);
  return pipelineSpec(events.slice(0, -1)).when(eventInput(last));
}

/** The last event of a type in a history, or throws. */
export function lastOf<T extends TrakEvent['type']>(events: readonly TrakEvent[], type: T): Extract<TrakEvent, { type: T }> {
  const found = [...events].reverse().find((e) => e.type === type);
  if (found === undefined) throw new Error(`no ${type} in the history`);
  return found as Extract<TrakEvent, { type: T }>;
}

/** The output of one kind, or throws when there is not exactly one. */
export function onlyOutput<K extends PipelineOutput['kind']>(outputs: readonly PipelineOutput[], kind: K): Extract<PipelineOutput, { kind: K }> {
  const found = outputs.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} output, got ${found.length}: ${JSON.stringify(outputs)}`);
  return found[0] as Extract<PipelineOutput, { kind: K }>;
}

/** A command the pipeline produced, stamped with metadata as the scheduler would. */
export const stamped = (pending: PendingCommand, now: string = NOW): TrakCommand => ({ ...pending, metadata: { now, actor: 'scheduler' } }) as TrakCommand;

/**
 * Runs the pipeline on the last event of a history and applies the commands it asks of this
 * same Trak through the decider, as the scheduler would (e.g. StageQueued → RequestAgentRun).
 */
export function followPipeline(events: readonly TrakEvent[], now: string = NOW): TrakEvent[] {
  const last = events[events.length - 1];
  if (last === undefined) throw new Error('empty history');
  const self = trakIdOf(events);
  const commands = decidePipeline(eventInput(last), stateOf(events)).flatMap((o) => (o.kind === 'command' && o.trakId === self ? [stamped(o.command, now)] : []));
  if (commands.length === 0) throw new Error(`the pipeline asked nothing of ${self} after ${last.type}`);
  return historyOf(events, ...commands);
}

// ---------------------------------------------------------------------------------------------
// Reachable histories for breakdowns, Subtraks and integration (all built through the decider)

export const twoSubtasks: readonly ProposedSubtrak[] = [
  { title: 'Schema', description: 'Add the health table', detailedInstructions: 'Create table health(id, status)', dependsOn: [] },
  { title: 'Endpoint', description: 'Serve /health', detailedInstructions: 'Add GET /health reading the table', dependsOn: [0] },
];

export const subtasksOutput = (subtasks: readonly ProposedSubtrak[], content = 'Design'): AgentOutput => ({ type: 'subtasks', content, subtasks });

/** A default-flow Trak whose plan was approved (by a human, or auto mode) and whose breakdown agent is running. */
export function breakdownRunning(overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  let events = ran(newTrak(overrides), artifact('The plan'));
  if (stateOf(events).status === 'AwaitingApproval') events = historyOf(events, cmd('Approve', {}));
  const state = stateOf(events);
  if (state.status !== 'Queued' || state.current.stage !== 'breakdown') throw new Error(`expected breakdown queued, got ${state.status}`);
  return started(events, 'breakdown-session');
}

/** The breakdown agent answered with `subtasks`. */
export const breakdownAnswered = (subtasks: readonly ProposedSubtrak[], overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] =>
  answered(breakdownRunning(overrides), subtasksOutput(subtasks));

/** A parent whose breakdown into `subtasks` was approved by a human: WaitingOnChildren. */
export function waitingOnChildren(subtasks: readonly ProposedSubtrak[] = twoSubtasks, overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  const events = historyOf(breakdownAnswered(subtasks, overrides), cmd('Approve', {}));
  if (stateOf(events).status !== 'WaitingOnChildren') throw new Error(`expected WaitingOnChildren, got ${stateOf(events).status}`);
  return events;
}

export const trakIdOf = (events: readonly TrakEvent[]): string => lastOf(events, 'TrakCreated').data.trakId;

/** The Trak's record (facts that hold whatever its status) after a history. */
export function trakOf(events: readonly TrakEvent[]): TrakRecord {
  const state = stateOf(events);
  if (state.status === 'Initial') throw new Error('the Trak does not exist');
  return state.trak;
}

/** The CreateTrak commands the pipeline sends for the parent's latest SubtraksCreated, by child id. */
export function childCreations(parentEvents: readonly TrakEvent[]): Map<string, CreateTrak> {
  const index = parentEvents.findLastIndex((e) => e.type === 'SubtraksCreated');
  if (index === -1) throw new Error('the parent created no Subtraks');
  const state = stateOf(parentEvents.slice(0, index + 1));
  const outputs = decidePipeline(eventInput(parentEvents[index]!), state);
  const creations = new Map<string, CreateTrak>();
  for (const output of outputs) {
    if (output.kind === 'command' && output.command.type === 'CreateTrak') creations.set(output.trakId, stamped(output.command) as CreateTrak);
  }
  return creations;
}

/** A Subtrak created exactly as the pipeline creates it (the `ordinal`-th child, 1-based). */
export function childHistory(parentEvents: readonly TrakEvent[], ordinal = 1): TrakEvent[] {
  const childId = `${trakIdOf(parentEvents)}-s${ordinal}`;
  const creation = childCreations(parentEvents).get(childId);
  if (creation === undefined) throw new Error(`no CreateTrak for ${childId}`);
  return historyOf([], creation);
}

/** A default-flow Trak that went through every stage with human approvals: Done. */
export function doneTrak(overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  let events = answered(runningAtReview(overrides), { type: 'approval', decision: 'approve', content: 'Looks good' });
  events = historyOf(events, cmd('Approve', {}));
  events = ran(events, artifact('Learnings'));
  return expectDone(historyOf(events, cmd('Approve', {})));
}

/** From `work` queued: the work passes its gate and is approved, then review approves and is approved. */
function throughWorkAndReview(events: readonly TrakEvent[], summary: string, verdict: string): TrakEvent[] {
  let next = gateResult(gateRequested(ran(events, artifact(summary))), 0, 'ok');
  next = historyOf(next, cmd('Approve', {}));
  next = ran(next, { type: 'approval', decision: 'approve', content: verdict });
  return historyOf(next, cmd('Approve', {}));
}

function expectDone(events: TrakEvent[]): TrakEvent[] {
  if (stateOf(events).status !== 'Done') throw new Error(`expected Done, got ${stateOf(events).status}`);
  return events;
}

/** A default-flow Trak queued at `work` (e.g. after a merge conflict) walked through work, review and compound: Done again. */
export function fromWorkToDone(events: readonly TrakEvent[]): TrakEvent[] {
  const reviewed = throughWorkAndReview(events, 'Fixed the conflict', 'Still good');
  return expectDone(historyOf(ran(reviewed, artifact('Learnings')), cmd('Approve', {})));
}

/** A Subtrak (queued at `work` of the subtask flow) walked to Done with human approvals. */
export function subtrakDone(child: readonly TrakEvent[]): TrakEvent[] {
  return expectDone(throughWorkAndReview(child, 'Implemented', 'Fine'));
}

// ---------------------------------------------------------------------------------------------
// A pure simulation of the scheduler: decider + pipeline + scripted runners, no I/O

/** What the scripted runners answer to each job. */
export interface RunnerScript {
  agent(job: AgentRunJob): AgentOutput;
  gate(job: GateRunJob): { readonly exitCode: number; readonly output: string };
  integration(job: IntegrationJob): RecordIntegrationResult['data']['result'];
}

export interface LoggedEvent {
  readonly trakId: string;
  readonly event: TrakEvent;
}

type Step =
  | { readonly kind: 'command'; readonly trakId: string; readonly command: PendingCommand }
  | { readonly kind: 'result'; readonly trakId: string; readonly result: JobResult; readonly redelivery?: boolean };

export interface SimulationOptions {
  /**
   * At-least-once delivery: every runner result arrives a second time, after the first one's
   * command was applied (the scheduler handles one Trak's inputs one at a time).
   */
  readonly deliverResultsTwice?: boolean;
}

const USAGE: Usage = { inputTokens: 1000, outputTokens: 200, costUsd: 0.01 };

/**
 * Plays the scheduler: every new event goes to `decidePipeline` with the state right after it;
 * `command` outputs run through the decider (stamped with the simulated clock); `send-job`
 * outputs are answered by the scripted runners. Steps run in FIFO order until nothing is left.
 * A command the decider refuses fails the simulation, since the pipeline must only ask for
 * valid transitions.
 */
export class Simulation {
  readonly log: LoggedEvent[] = [];
  readonly sentJobs: Job[] = [];
  readonly timers: { readonly trakId: string; readonly timer: Timer; readonly at: string }[] = [];
  readonly cancelledJobs: { readonly trakId: string; readonly jobId: string; readonly reason: string }[] = [];
  readonly completed: string[] = [];
  readonly ignored: { readonly trakId: string; readonly reason: string; readonly detail: string }[] = [];
  private readonly streams = new Map<string, TrakEvent[]>();
  private readonly queue: Step[] = [];
  private clock = Date.parse(NOW);

  constructor(
    private readonly runner: RunnerScript,
    private readonly options: SimulationOptions = {},
  ) {}

  events(trakId: string): readonly TrakEvent[] {
    return this.streams.get(trakId) ?? [];
  }

  state(trakId: string): TrakState {
    return stateOf(this.events(trakId));
  }

  trakIds(): string[] {
    return [...this.streams.keys()];
  }

  /** Issues a command (as a person or another service would) and runs until nothing is left to do. */
  command(trakId: string, command: PendingCommand): this {
    this.queue.push({ kind: 'command', trakId, command });
    return this.settle();
  }

  /** Fires every timer scheduled so far, at its time, and runs until nothing is left; returns what the pipeline said. */
  fireTimers(): PipelineOutput[] {
    const all: PipelineOutput[] = [];
    for (const { trakId, timer, at } of this.timers.splice(0)) {
      const outputs = decidePipeline(timerInput(timer, at), this.state(trakId));
      all.push(...outputs);
      this.handle(trakId, outputs);
    }
    this.settle();
    return all;
  }

  /** Index in the global log of the first event matching `predicate`, or -1. */
  indexOf(predicate: (entry: LoggedEvent) => boolean): number {
    return this.log.findIndex(predicate);
  }

  private settle(): this {
    let steps = 0;
    for (let step = this.queue.shift(); step !== undefined; step = this.queue.shift()) {
      if (++steps > 10_000) throw new Error('the simulation does not settle: more than 10 000 steps');
      if (step.kind === 'command') {
        this.execute(step.trakId, step.command);
        continue;
      }
      this.handle(step.trakId, decidePipeline(resultInput(step.result), this.state(step.trakId)));
      if (this.options.deliverResultsTwice === true && step.redelivery !== true) this.queue.push({ ...step, redelivery: true });
    }
    return this;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private execute(trakId: string, pending: PendingCommand): void {
    let state = this.state(trakId);
    const command = stamped(pending, this.tick());
    let decided: TrakEvent[];
    try {
      decided = decide(command, state);
    } catch (error) {
      throw new Error(`Trak ${trakId} refused ${command.type} ${JSON.stringify(command.data)}: ${(error as Error).message}`, { cause: error });
    }
    const stream = this.streams.get(trakId) ?? [];
    this.streams.set(trakId, stream);
    for (const event of decided) {
      state = evolve(state, event);
      stream.push(event);
      this.log.push({ trakId, event });
      this.handle(trakId, decidePipeline(eventInput(event), state));
    }
  }

  private handle(trakId: string, outputs: readonly PipelineOutput[]): void {
    for (const output of outputs) {
      switch (output.kind) {
        case 'command':
          this.queue.push({ kind: 'command', trakId: output.trakId, command: output.command });
          break;
        case 'send-job':
          this.sentJobs.push(output.job);
          for (const result of this.answer(output.job)) this.queue.push({ kind: 'result', trakId: output.job.trakId, result });
          break;
        case 'schedule':
          this.timers.push({ trakId, timer: output.timer, at: output.at });
          break;
        case 'cancel-job':
          this.cancelledJobs.push({ trakId, jobId: output.jobId, reason: output.reason });
          break;
        case 'complete':
          this.completed.push(trakId);
          break;
        case 'ignore':
          this.ignored.push({ trakId, reason: output.reason, detail: output.detail });
          break;
      }
    }
  }

  private answer(job: Job): JobResult[] {
    switch (job.kind) {
      case 'agent-run': {
        const sessionId = job.session.mode === 'resume' ? job.session.sessionId : `session-${job.jobId}`;
        return [
          { kind: 'agent-started', jobId: job.jobId, runnerId: 'runner-1', sessionId },
          { kind: 'agent-finished', jobId: job.jobId, output: this.runner.agent(job), usage: USAGE, sessionId },
        ];
      }
      case 'gate-run': {
        const { exitCode, output } = this.runner.gate(job);
        return [{ kind: 'gate-finished', jobId: job.jobId, exitCode, timedOut: false, output }];
      }
      case 'integration':
        return [{ kind: 'integration-finished', jobId: job.jobId, result: this.runner.integration(job) }];
    }
  }
}

/** Approves whatever waits for a person (outputs and agent rejections), one at a time, until nothing waits. */
export function approveEverythingWaiting(sim: Simulation, limit = 100): { trakId: string; stage: string; status: string }[] {
  const approvals: { trakId: string; stage: string; status: string }[] = [];
  for (;;) {
    const waiting = sim.trakIds().find((id) => {
      const status = sim.state(id).status;
      return status === 'AwaitingApproval' || status === 'AwaitingRejectionConfirmation';
    });
    if (waiting === undefined) return approvals;
    if (approvals.length >= limit) throw new Error(`still waiting for approval after ${limit} approvals`);
    const state = sim.state(waiting);
    approvals.push({ trakId: waiting, stage: 'current' in state ? (state.current?.stage ?? '') : '', status: state.status });
    sim.command(waiting, { type: 'Approve', data: {} });
  }
}
