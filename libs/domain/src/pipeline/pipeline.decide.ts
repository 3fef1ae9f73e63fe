import { assertNever } from '../shared/message.js';
import type { TrakEvent } from '../trak/trak.events.js';
import { integrationJobId } from '../trak/trak.ids.js';
import type { KnownTrakState, TrakState } from '../trak/trak.state.js';
import { addMs, automaticIntegration, sameRunner, stageDefinition } from '../trak/trak.rules.js';
import { agentRunJob, gateRunJob, gateRunIdFor, integrationJob, runIdFor } from './pipeline.jobs.js';
import type { IgnoreReason, JobResult, PipelineInput, PipelineOutput, Timer } from './pipeline.types.js';

/** Extra time past a job's own timeout before the scheduler gives up on hearing from its runner. */
export const DEADLINE_GRACE_MS = 60_000;

/**
 * The Trak pipeline: what happens after each event, runner result or timer. Pure; `state` is
 * the Trak's state right after the input (for an event: with that event applied). Jobs carry
 * ids derived from the log, so running this again on the same input sends nothing new.
 */
export function decidePipeline(input: PipelineInput, state: TrakState): PipelineOutput[] {
  if (state.status === 'Initial') return [ignore('Superseded', 'the Trak does not exist')];
  switch (input.kind) {
    case 'event':
      return onEvent(input.event, state);
    case 'result':
      return onResult(input.result, state);
    case 'timer':
      return onTimer(input.timer, state);
    default:
      return assertNever(input, 'pipeline input');
  }
}

function onEvent(event: TrakEvent, state: KnownTrakState): PipelineOutput[] {
  const { trak } = state;
  const self = trak.trakId;
  switch (event.type) {
    case 'StageQueued': {
      if (state.status !== 'Queued' || state.current.iteration !== event.data.iteration || state.current.stage !== event.data.stage) {
        return [ignore('Superseded', `stage "${event.data.stage}" iteration ${event.data.iteration} is no longer queued`)];
      }
      const { stage, iteration } = event.data;
      if (event.data.notBefore !== undefined) {
        return [{ kind: 'schedule', timer: { id: `${runIdFor(trak, stage, iteration)}_retry`, kind: 'retry-due', trakId: self, stage, iteration }, at: event.data.notBefore }];
      }
      return [command(self, { type: 'RequestAgentRun', data: { runId: runIdFor(trak, stage, iteration) } })];
    }

    case 'AgentRunRequested': {
      if (state.status !== 'AgentRunning' || state.run.runId !== event.data.runId) return [ignore('Superseded', `run ${event.data.runId} is no longer current`)];
      const job = agentRunJob(state);
      const deadline = addMs(event.data.at, job.timeoutSeconds * 1000 + DEADLINE_GRACE_MS);
      return [{ kind: 'send-job', job }, { kind: 'schedule', timer: { id: `${job.jobId}_deadline`, kind: 'run-deadline', trakId: self, runId: job.jobId }, at: deadline }];
    }

    case 'ArtifactProduced':
      if (event.data.awaiting !== 'gate' || state.status !== 'AwaitingGate') return [];
      return [command(self, { type: 'RequestGateRun', data: { gateRunId: gateRunIdFor(trak, state.current.stage, state.current.iteration) } })];

    case 'GateRunRequested': {
      if (state.status !== 'GateRunning' || state.gateRunId !== event.data.gateRunId) return [ignore('Superseded', `gate run ${event.data.gateRunId} is no longer current`)];
      const job = gateRunJob(state);
      if (job === undefined) return [];
      const deadline = addMs(event.data.at, job.timeoutSeconds * 1000 + DEADLINE_GRACE_MS);
      return [{ kind: 'send-job', job }, { kind: 'schedule', timer: { id: `${job.jobId}_deadline`, kind: 'gate-deadline', trakId: self, gateRunId: job.jobId }, at: deadline }];
    }

    case 'TrakInterrupted': {
      const jobId = event.data.runId ?? event.data.gateRunId;
      return jobId === undefined ? [] : [{ kind: 'cancel-job', jobId, reason: 'interrupted' }];
    }

    case 'SubtraksCreated':
      return event.data.subtraks.map((child) => {
        // CreateTrak made sure every Subtrak flow was recorded with the parent.
        const flow = trak.subtaskFlows[child.flow] ?? trak.flow;
        return command(child.trakId, {
          type: 'CreateTrak',
          data: {
            trakId: child.trakId,
            projectId: trak.projectId,
            title: child.title,
            description: child.description,
            flow,
            // A Subtrak flow may itself split work using the parent's flow.
            subtaskFlows: { ...trak.subtaskFlows, [trak.flow.name]: trak.flow },
            baseBranch: trak.branch,
            branch: `${trak.branch}-${child.trakId.slice(trak.trakId.length + 1)}`,
            autoMode: trak.autoMode,
            ...(trak.repository !== undefined && { repository: trak.repository }),
            parent: {
              trakId: self,
              branch: trak.branch,
              siblings: event.data.subtraks.map((s) => ({ trakId: s.trakId, title: s.title, description: s.description, dependsOn: s.dependsOn })),
            },
            dependsOn: child.dependsOn,
            // A Subtrak's own instructions, under the name of the breakdown stage's artifact.
            initialArtifacts: { [stageDefinition(trak, event.data.stage).artifact]: child.instructions },
          },
        });
      });

    case 'SubtrakCompleted':
      return trak.subtraks
        .filter((s) => s.status === 'pending' && s.dependsOn.includes(event.data.subtrakId))
        .map((s) => command(s.trakId, { type: 'RecordDependencyCompleted', data: { dependencyId: event.data.subtrakId } }));

    case 'TrakDone': {
      if (state.status !== 'Done') return [];
      const mode = automaticIntegration(trak);
      if (mode === undefined) return [ignore('AwaitingHuman', 'the flow does not merge on its own; a person merges or opens a PR')];
      return [command(self, { type: 'RequestIntegration', data: { jobId: integrationJobId(self, trak.integrations + 1), mode } })];
    }

    case 'IntegrationRequested':
      if (state.status !== 'Integrating' || state.jobId !== event.data.jobId) return [ignore('Superseded', `integration ${event.data.jobId} is no longer current`)];
      return [{ kind: 'send-job', job: integrationJob(trak, state.jobId, state.mode) }];

    case 'IntegrationSucceeded':
    case 'TrakArchived':
      return [...toParent(state, (parentId) => command(parentId, { type: 'RecordSubtrakCompleted', data: { subtrakId: self } })), { kind: 'complete' }];

    case 'TrakFailed':
    case 'TrakBlocked': {
      const reason = event.type === 'TrakFailed' ? event.data.error : event.data.detail;
      return toParent(state, (parentId) => command(parentId, { type: 'RecordSubtrakFailed', data: { subtrakId: self, reason } }));
    }

    case 'TrakCancelled':
      return [
        ...toParent(state, (parentId) => command(parentId, { type: 'RecordSubtrakFailed', data: { subtrakId: self, reason: `cancelled: ${event.data.reason}` } })),
        ...(event.data.activeJobId === undefined ? [] : [{ kind: 'cancel-job' as const, jobId: event.data.activeJobId, reason: 'cancelled' }]),
        ...trak.subtraks
          .filter((s) => s.status !== 'completed')
          .map((s) => command(s.trakId, { type: 'Cancel', data: { reason: `parent Trak ${self} was cancelled` } })),
        { kind: 'complete' },
      ];

    default:
      return [];
  }
}

function onResult(result: JobResult, state: KnownTrakState): PipelineOutput[] {
  const self = state.trak.trakId;
  switch (result.kind) {
    case 'agent-started':
    case 'agent-finished':
    case 'agent-failed': {
      if (state.status !== 'AgentRunning' || state.run.runId !== result.jobId) return [stale(result)];
      const runId = result.jobId;
      if (result.kind === 'agent-started') {
        if (sameRunner(state.run, result)) return [ignore('Duplicate', `run ${runId} already started on ${result.runnerId}`)];
        // Another runner, or this one in a new life, took the run over: recorded with the new runner.
        return [
          command(self, {
            type: 'RecordAgentRunStarted',
            data: { runId, runnerId: result.runnerId, ...opt('incarnation', result.incarnation), ...opt('sessionId', result.sessionId) },
          }),
        ];
      }
      if (result.kind === 'agent-finished') {
        return [command(self, { type: 'RecordAgentRunResult', data: { runId, output: result.output, ...opt('usage', result.usage), ...opt('sessionId', result.sessionId) } })];
      }
      return [
        command(self, {
          type: 'RecordAgentRunFailure',
          data: { runId, reason: result.reason, message: result.message, ...opt('usage', result.usage), ...opt('resetAt', result.resetAt) },
        }),
      ];
    }
    case 'gate-finished':
      if (state.status !== 'GateRunning' || state.gateRunId !== result.jobId) return [stale(result)];
      return [command(self, { type: 'RecordGateResult', data: { gateRunId: result.jobId, exitCode: result.exitCode, timedOut: result.timedOut, output: result.output } })];
    case 'integration-finished':
      if (state.status !== 'Integrating' || state.jobId !== result.jobId) return [stale(result)];
      return [command(self, { type: 'RecordIntegrationResult', data: { jobId: result.jobId, result: result.result } })];
    default:
      return assertNever(result, 'job result');
  }
}

function onTimer(timer: Timer, state: KnownTrakState): PipelineOutput[] {
  const self = state.trak.trakId;
  switch (timer.kind) {
    case 'retry-due':
      if (state.status !== 'Queued' || state.current.stage !== timer.stage || state.current.iteration !== timer.iteration) {
        return [ignore('StaleJob', `retry of stage "${timer.stage}" iteration ${timer.iteration} is no longer due`)];
      }
      return [command(self, { type: 'RequestAgentRun', data: { runId: runIdFor(state.trak, timer.stage, timer.iteration) } })];
    case 'run-deadline':
      if (state.status !== 'AgentRunning' || state.run.runId !== timer.runId) return [ignore('StaleJob', `run ${timer.runId} already ended`)];
      return [
        command(self, { type: 'RecordAgentRunFailure', data: { runId: timer.runId, reason: 'TimedOut', message: 'no result from any runner before the run deadline' } }),
        { kind: 'cancel-job', jobId: timer.runId, reason: 'deadline passed' },
      ];
    case 'gate-deadline':
      if (state.status !== 'GateRunning' || state.gateRunId !== timer.gateRunId) return [ignore('StaleJob', `gate run ${timer.gateRunId} already ended`)];
      return [
        command(self, { type: 'RecordGateResult', data: { gateRunId: timer.gateRunId, exitCode: null, timedOut: true, output: 'No result from any runner before the gate deadline.' } }),
        { kind: 'cancel-job', jobId: timer.gateRunId, reason: 'deadline passed' },
      ];
    default:
      return assertNever(timer, 'timer');
  }
}

function command(trakId: string, pending: Extract<PipelineOutput, { kind: 'command' }>['command']): PipelineOutput {
  return { kind: 'command', trakId, command: pending };
}

function ignore(reason: IgnoreReason, detail: string): PipelineOutput {
  return { kind: 'ignore', reason, detail };
}

function stale(result: JobResult): PipelineOutput {
  return ignore('StaleJob', `${result.kind} for job ${result.jobId}, which is not the Trak's current job`);
}

function toParent(state: KnownTrakState, make: (parentId: string) => PipelineOutput): PipelineOutput[] {
  return state.trak.parent === undefined ? [] : [make(state.trak.parent.trakId)];
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
