import { trakIdOf } from '@orkestra/application';
import type { AppendedEvent, HandleResult, TrakCommands } from '@orkestra/application';
import { DEADLINE_GRACE_MS, DomainError, budgetExceeded, currentJobId, decidePipeline, evolve, initialState, jobRequirement, trakIdOfJob } from '@orkestra/domain';
import type { FlowBudget, Job, JobResult, PendingCommand, PipelineInput, PipelineOutput, Timer, TrakEvent, TrakState } from '@orkestra/domain';
import type { InputScope, JobCancels, JobDeadline, JobOutcome, JobQueue, RateLimitHolds, Transactions, UsageLedger } from './ports.js';

/** An event of the log as the scheduler sees it: from the bus, or just appended by itself. */
export interface LoggedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface PipelineProcessorDeps {
  /** Reads a Trak (upcast) before an input's transaction begins. */
  readonly traks: Pick<TrakCommands, 'read'>;
  /** Runs an input's writes (appends, jobs, timers) as one transaction. */
  readonly transactions: Transactions;
  /** The queue outside inputs' transactions: a run started, a lost run's end, an agent kind. */
  readonly queue: JobQueue;
  readonly holds: RateLimitHolds;
  readonly cancels: JobCancels;
  /** Records each run's usage, outside inputs' transactions. */
  readonly usage: UsageLedger;
  /** Each project's budget, if it has one. */
  readonly projectBudget?: (projectId: string) => FlowBudget | undefined;
  /** A job was queued or a slot freed: the dispatcher should look again. */
  readonly wakeDispatcher: () => void;
  /** A timer was stored: the firer should look again. */
  readonly wakeTimers: () => void;
  readonly now?: () => Date;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Runs the processing of one input as the serving of its correlation id (what it logs carries the id). */
  readonly serving?: <T>(correlationId: string, work: () => Promise<T>) => Promise<T>;
  /** A runner's result for the Trak's current job was committed (the start of a stage hand-off). */
  readonly onResultRecorded?: (trakId: string) => void;
}

/** Events followed at once by this process, so their copy from the bus is not processed twice. */
const FOLLOWED_MEMORY = 20_000;

const TERMINAL_RESULTS: Readonly<Partial<Record<JobResult['kind'], JobOutcome>>> = {
  'agent-finished': 'finished',
  'agent-failed': 'failed',
  'gate-finished': 'finished',
  'integration-finished': 'finished',
};

/**
 * Runs the pure pipeline on each input (an event of the log, a runner's result, a timer) and
 * carries out what it decides: commands to Traks, jobs to the queue, timers, cancellations.
 *
 * Every effect is idempotent, so the same input processed twice (a redelivery, a second
 * scheduler instance, a replay) changes nothing the second time: commands carry an idempotency
 * key made from the input, jobs and timers are keyed by their ids, and a job is queued only while
 * it is still the Trak's current job.
 *
 * An input's writes to its own Trak commit as one transaction: the result recorded, the next
 * stage requested and its job queued land together, after one wait for the disk. The events a
 * command appends are followed at once rather than after their round trip through the relay;
 * their copy from the bus is skipped once the input that followed them succeeded, and processed
 * like any other event if it failed. What lies outside the database (call-offs on the bus,
 * commands to other Traks, waking the dispatcher) happens after the commit.
 */
export class PipelineProcessor {
  /** Event id → whether the input that followed it succeeded (pending while it runs). */
  private readonly followed = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: PipelineProcessorDeps) {}

  /** An event from ORK_EVENTS. Events of other streams are not the pipeline's. */
  async onEvent(event: LoggedEvent): Promise<void> {
    const trakId = trakIdOf(event.streamId);
    if (trakId === undefined) return;
    const followedBy = this.followed.get(event.id);
    if (followedBy !== undefined && (await followedBy)) return;
    const { state: current, streamPosition, events } = await this.deps.traks.read(trakId);
    // The log's copy, read through the upcasters, is the one the pipeline decides on.
    const logged = events.find((e) => e.id === event.id) ?? event;
    const atEvent = event.streamPosition >= streamPosition ? current : events.filter((e) => e.streamPosition <= event.streamPosition).reduce((s, e) => evolve(s, asTrakEvent(e)), initialState());
    await this.input({ trakId, key: `evt:${event.id}`, correlationId: correlationOf(event), tip: { known: { state: current, streamPosition, events } } }, (context) =>
      this.run({ kind: 'event', event: asTrakEvent(logged) }, atEvent, current, context),
    );
  }

  /**
   * Runs the pipeline again over every event of the Trak, in order, each on the state right after
   * it, as a bus delivering them all again would: what was done already is not done twice (see
   * above), what a lost bus took with it is done now. Says how many events it went over.
   */
  async replay(trakId: string): Promise<number> {
    const { events, ...read } = await this.load(trakId);
    const tip: { known: StreamTip | undefined } = { known: { ...read, events } };
    let atEvent = initialState();
    for (const event of events) {
      const state = (atEvent = evolve(atEvent, asTrakEvent(event)));
      // The tip moves with what the replay itself appends; after a refused or repeated command it is read again.
      const current = tip.known ?? (tip.known = await this.load(trakId));
      await this.input({ trakId, key: `evt:${event.id}`, correlationId: correlationOf(event), tip }, (context) =>
        this.run({ kind: 'event', event: asTrakEvent(event) }, state, current.state, context),
      );
    }
    return events.length;
  }

  /** A runner's report on a job, with the correlation id the job went out with (else the job's id stands in). */
  async onResult(result: JobResult, correlationId: string = result.jobId): Promise<void> {
    const trakId = trakIdOfJob(result.jobId);
    if (trakId === undefined) {
      this.log('a result for a job id the scheduler never makes was dropped', { jobId: result.jobId, kind: result.kind });
      return;
    }
    const { queue } = this.deps;
    if (result.kind === 'agent-failed' && result.reason === 'RateLimited' && result.resetAt !== undefined) {
      const agent = await queue.agentOf(result.jobId);
      if (agent !== undefined) await this.deps.holds.hold(agent, result.resetAt, `rate limited: ${result.message}`);
    }
    const outcome = TERMINAL_RESULTS[result.kind];
    const tip = await this.load(trakId);
    await this.input({ trakId, key: resultKey(result), correlationId, tip: { known: tip } }, async (context) => {
      if (result.kind === 'agent-started') context.bookkeeping.push(queue.started(result.jobId, result.runnerId));
      if (outcome !== undefined) {
        // The job's slot frees as the result is recorded, so the dispatcher wakes once for both.
        await context.scope.queue.finish(result.jobId, outcome);
        context.onCommit.add(this.deps.wakeDispatcher);
      }
      const recorded = await this.run({ kind: 'result', result }, tip.state, tip.state, context);
      if (recorded) context.onCommit.add(() => this.log('result recorded', { jobId: result.jobId, kind: result.kind }));
      const { onResultRecorded } = this.deps;
      if (recorded && outcome !== undefined && onResultRecorded !== undefined) context.onCommit.add(() => onResultRecorded(trakId));
    });
  }

  /** The runner of an agent run stopped reporting: the run is called off and the stage runs again. */
  async onRunLost(run: { readonly jobId: string; readonly runnerId: string; readonly lastSeen: string }): Promise<void> {
    await this.deps.queue.finish(run.jobId, 'lost');
    this.deps.wakeDispatcher();
    await this.deps.cancels.cancel(run.jobId, `runner ${run.runnerId} was lost`);
    this.log('runner lost; its agent run goes back to the queue', { ...run });
    await this.onResult({ kind: 'agent-failed', jobId: run.jobId, reason: 'Lost', message: `runner ${run.runnerId} has not been heard from since ${run.lastSeen}` });
  }

  /** No live runner can take the queued job: its Trak says what it waits for. */
  async onNoRunner(job: Job, correlationId?: string): Promise<void> {
    const { labels, agent } = jobRequirement(job);
    this.log('no live runner can take a job; it stays queued until one registers', { jobId: job.jobId, labels, ...(agent !== undefined && { agent }) });
    await this.toTrak(job, `nor:${job.jobId}`, { type: 'RecordNoRunner', data: { jobId: job.jobId, labels, ...(agent !== undefined && { agent }) } }, correlationId);
  }

  /** A job that waited for a runner went out to one that can take it. */
  async onRunnerFound(job: Job, correlationId?: string): Promise<void> {
    await this.toTrak(job, `rnf:${job.jobId}`, { type: 'RecordRunnerFound', data: { jobId: job.jobId } }, correlationId);
  }

  /** A command about one of the Trak's jobs, an input of its own, in the job's conversation. */
  private async toTrak(job: Job, key: string, command: PendingCommand, correlationId = job.jobId): Promise<void> {
    await this.input({ trakId: job.trakId, key, correlationId, tip: { known: undefined } }, (context) => this.command(command, context));
  }

  /**
   * A stored timer came due at `dueAt` (the database's clock). Its commands are dated no earlier
   * than that, so a scheduler whose clock runs behind the database's cannot have the Trak refuse
   * its own timer (a retry "before" its backoff ends) and lose it. Its commands carry the
   * correlation id it was stored with (else the timer's id stands in).
   */
  async onTimer(timer: Timer, dueAt: Date, correlationId: string = timer.id): Promise<void> {
    const firedAt = new Date(Math.max(this.clock().getTime(), dueAt.getTime())).toISOString();
    const tip = await this.load(timer.trakId);
    await this.input({ trakId: timer.trakId, key: `tmr:${timer.id}`, correlationId, tip: { known: tip }, at: firedAt }, (context) =>
      this.run({ kind: 'timer', timer, firedAt }, tip.state, tip.state, context),
    );
  }

  /**
   * Processes one input: its writes in one transaction, then what follows the commit, and its
   * bookkeeping before saying it is done; all of it as the serving of the input's correlation id.
   */
  private input<T>(base: InputBase, process: (context: RunContext) => Promise<T>): Promise<T> {
    const { serving } = this.deps;
    return serving === undefined ? this.processInput(base, process) : serving(base.correlationId, () => this.processInput(base, process));
  }

  private async processInput<T>(base: InputBase, process: (context: RunContext) => Promise<T>): Promise<T> {
    let settle: (succeeded: boolean) => void = () => undefined;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    const bookkeeping: Promise<void>[] = [];
    try {
      const onCommit = new Set<() => void>();
      const after: (() => Promise<unknown>)[] = [];
      const result = await this.deps.transactions.run((scope) => process({ ...base, scope, outcome, bookkeeping, onCommit, after }));
      for (const notify of onCommit) notify();
      for (const effect of after) await effect();
      settle(true);
      await Promise.all(bookkeeping);
      return result;
    } catch (error) {
      settle(false);
      await Promise.allSettled(bookkeeping);
      throw error;
    }
  }

  private async recordUsage(event: TrakEvent, state: TrakState): Promise<void> {
    if ((event.type !== 'AgentRunCompleted' && event.type !== 'AgentRunFailed') || state.status === 'Initial') return;
    const { runId, usage, at } = event.data;
    await this.deps.usage.record({ runId, trakId: state.trak.trakId, projectId: state.trak.projectId, usage, at });
  }

  /** A stage of a project that spent its budget does not start: the Trak waits Blocked instead. */
  private async withinBudget(pending: PendingCommand, current: TrakState, scope: InputScope): Promise<PendingCommand> {
    if (pending.type !== 'RequestAgentRun' || current.status === 'Initial') return pending;
    const { projectId } = current.trak;
    const budget = this.deps.projectBudget?.(projectId);
    if (budget === undefined) return pending;
    const over = budgetExceeded(budget, await scope.usage.projectTotal(projectId), `project ${projectId}'s budget`);
    return over === undefined ? pending : { type: 'BlockOverBudget', data: { detail: over } };
  }

  private load(trakId: string): Promise<StreamTip> {
    return this.deps.traks.read(trakId);
  }

  /** Decides and applies. True when a command was appended for the input. */
  private async run(input: PipelineInput, atInput: TrakState, current: TrakState, context: RunContext): Promise<boolean> {
    // Off the hand-off's path: the input is done once its bookkeeping is, but the next job does not wait for it.
    if (input.kind === 'event') context.bookkeeping.push(this.recordUsage(input.event, atInput));
    const outputs = decidePipeline(input, atInput);
    const sent = new Set(outputs.flatMap((o) => (o.kind === 'send-job' && currentJobId(current) === o.job.jobId ? [o.job.jobId] : [])));
    let appended = false;
    for (const [index, output] of outputs.entries()) {
      appended = (await this.apply(output, current, sent, { ...context, key: `${context.key}:${index}` }, outputs)) || appended;
    }
    return appended;
  }

  private async apply(output: PipelineOutput, current: TrakState, sent: ReadonlySet<string>, context: RunContext, all: readonly PipelineOutput[]): Promise<boolean> {
    const { scope } = context;
    const { cancels, wakeDispatcher, wakeTimers } = this.deps;
    switch (output.kind) {
      case 'command': {
        const { trakId, command } = output;
        if (trakId === context.trakId) return this.command(await this.withinBudget(command, current, scope), context);
        // Another Trak's stream: an input of its own once this one commits, so no transaction holds two streams.
        const { key, correlationId, at } = context;
        context.after.push(() => this.input({ trakId, key, correlationId, tip: { known: undefined }, ...(at !== undefined && { at }) }, (other) => this.command(command, other)));
        return false;
      }
      case 'send-job':
        if (!sent.has(output.job.jobId)) {
          this.log('a job the Trak no longer waits on was not sent', { jobId: output.job.jobId, current: currentJobId(current) ?? null });
          return false;
        }
        if (await scope.queue.enqueue(output.job, deadlineOf(output.job, all), context.correlationId)) {
          const { jobId, kind } = output.job;
          context.onCommit.add(wakeDispatcher);
          context.onCommit.add(() => this.log('job queued', { jobId, kind, trakId: context.trakId }));
        }
        return false;
      case 'schedule':
        // A job's deadline is queued with the job (see deadlineOf).
        if (deadlineJob(output.timer) !== undefined) return false;
        await scope.timers.schedule(output.timer, output.at, context.correlationId);
        context.onCommit.add(wakeTimers);
        return false;
      case 'cancel-job':
        await scope.queue.finish(output.jobId, 'cancelled');
        context.onCommit.add(wakeDispatcher);
        context.after.push(() => cancels.cancel(output.jobId, output.reason));
        return false;
      case 'complete': {
        const trakId = 'trak' in current ? current.trak.trakId : undefined;
        if (trakId === undefined) return false;
        const out = await scope.queue.finishTrak(trakId, 'cancelled');
        await scope.timers.clearTrak(trakId);
        context.onCommit.add(wakeDispatcher);
        for (const jobId of out) context.after.push(() => cancels.cancel(jobId, 'the Trak is finished'));
        return false;
      }
      case 'ignore':
        this.log(`pipeline: ${output.reason}`, { detail: output.detail });
        return false;
    }
  }

  /** A command to the input's own Trak. */
  private async command(pending: PendingCommand, context: RunContext): Promise<boolean> {
    const { trakId, tip } = context;
    const { known } = tip;
    const now = context.at ?? this.clock().toISOString();
    const handle = (withKnown: boolean): Promise<HandleResult<TrakState>> =>
      context.scope.traks.handle(trakId, pending, {
        actor: 'scheduler',
        now,
        idempotencyKey: context.key,
        correlationId: context.correlationId,
        ...(withKnown && known !== undefined && { known }),
      });
    let result: HandleResult<TrakState>;
    try {
      // Decided on the state this input already read or appended, without reading the stream again.
      result = await handle(true).catch((error: unknown) => (known !== undefined && DomainError.is(error) ? handle(false) : Promise.reject(error)));
    } catch (error) {
      // The Trak moved on since the input (a person acted, another instance got there first).
      if (DomainError.is(error)) {
        this.log('pipeline command refused by the Trak; nothing to do', { trakId, command: pending.type, code: error.code, reason: error.message });
        tip.known = undefined;
        return false;
      }
      throw error;
    }
    if (result.repeated || result.events.length === 0) {
      tip.known = undefined;
      return false;
    }
    tip.known = { state: result.state, streamPosition: result.streamPosition, events: [...(known?.events ?? []), ...result.events] };
    await this.follow(result, context);
    return true;
  }

  /** Runs the pipeline on events this process just appended, each with the state right after it. */
  private async follow(result: HandleResult<TrakState>, context: RunContext): Promise<void> {
    let state = result.priorState;
    for (const event of result.events) {
      state = evolve(state, asTrakEvent(event));
      this.remember(event.id, context.outcome);
      await this.run({ kind: 'event', event: asTrakEvent(event) }, state, result.state, { ...context, key: `evt:${event.id}` });
    }
  }

  private remember(eventId: string, outcome: Promise<boolean>): void {
    this.followed.set(eventId, outcome);
    if (this.followed.size > FOLLOWED_MEMORY) this.followed.delete(this.followed.keys().next().value!);
  }

  private clock(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private log(message: string, fields?: Record<string, unknown>): void {
    this.deps.log?.(message, fields);
  }
}

/** What this input knows of a Trak's stream: its state, position and events (for idempotency keys). */
interface StreamTip {
  readonly state: TrakState;
  readonly streamPosition: number;
  readonly events: readonly AppendedEvent[];
}

/** What an input starts from. */
interface InputBase {
  /** The Trak whose stream the input writes; commands to other Traks become inputs of their own. */
  readonly trakId: string;
  readonly key: string;
  readonly correlationId: string;
  /** The latest known tip of the Trak's stream, kept up to date by the input's own appends (none: read it). */
  readonly tip: { known: StreamTip | undefined };
  /** When the input's commands happen; the clock's now unless given. */
  readonly at?: string;
}

interface RunContext extends InputBase {
  /** The input's transaction. */
  readonly scope: InputScope;
  /** Settles when the input is done: true when it succeeded. */
  readonly outcome: Promise<boolean>;
  /** Called right after the commit (wakes, hand-off observation). */
  readonly onCommit: Set<() => void>;
  /** Effects outside the database, run in order after the commit. */
  readonly after: (() => Promise<unknown>)[];
  /** Writes the input needs done before it is acknowledged, but the next job need not wait for. */
  readonly bookkeeping: Promise<void>[];
}

/**
 * The idempotency key of a result's commands. A job ends once, but it may start on several
 * runners, one after the other (a takeover after its runner was killed, restarted or drained),
 * and each start is recorded, so a start's key names the runner and the life of its process.
 */
function resultKey(result: JobResult): string {
  if (result.kind !== 'agent-started') return `res:${result.jobId}:${result.kind}`;
  return `res:${result.jobId}:${result.kind}:${result.runnerId}:${result.incarnation ?? ''}`;
}

/** An event of a Trak stream, as the log stores it. */
const asTrakEvent = (event: { readonly type: string; readonly data: unknown }): TrakEvent => ({ type: event.type, data: event.data }) as TrakEvent;

function correlationOf(event: Pick<LoggedEvent, 'id' | 'metadata'>): string {
  const id = event.metadata['correlationId'];
  return typeof id === 'string' ? id : event.id;
}

/**
 * The deadline the pipeline set for a job it sends. The pipeline counts from the request; the
 * scheduler counts from dispatch, so time queued behind a limit is not charged to the run.
 */
function deadlineOf(job: Job, outputs: readonly PipelineOutput[]): JobDeadline | undefined {
  const timer = outputs.find((o): o is Extract<PipelineOutput, { kind: 'schedule' }> => o.kind === 'schedule' && deadlineJob(o.timer) === job.jobId)?.timer;
  if (timer === undefined) return undefined;
  return { timer, delayMs: ('timeoutSeconds' in job ? job.timeoutSeconds * 1000 : 0) + DEADLINE_GRACE_MS };
}

function deadlineJob(timer: Timer): string | undefined {
  if (timer.kind === 'run-deadline') return timer.runId;
  if (timer.kind === 'gate-deadline') return timer.gateRunId;
  return undefined;
}
