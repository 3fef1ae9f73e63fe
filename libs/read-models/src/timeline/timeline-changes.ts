import { currentPass } from '@orkestra/domain';
import type { KnownTrakState, StageDefinition, TrakEvent, TrakState, Trigger } from '@orkestra/domain';
import { gateRunKey, iterationKey, runKey } from './timeline-rows.js';
import type { IterationOutcome, RowChange, TimelineAgentRun, TimelineChanges, TimelineGateRun, TimelineIteration } from './timeline-rows.js';

const NONE: TimelineChanges = { iterations: [], runs: [], gates: [] };

/**
 * What `event` does to its Trak's timeline, given the Trak's state just before it (folded by the
 * domain's own `evolve`) and the event's position in the Trak's stream. The state tells which
 * iteration is open and what the flow recorded on the Trak says about its stages.
 */
export function timelineChanges(before: TrakState, event: TrakEvent, position: number): TimelineChanges {
  if (before.status === 'Initial') return NONE;
  const trakId = before.trak.trakId;
  const iterationOf = (ref: { stage: string; iteration: number }): string => iterationKey({ trakId, ...ref });
  const end = (ref: { stage: string; iteration: number }, outcome: IterationOutcome, at: string, detail: string | null = null) => ({
    ...NONE,
    iterations: [ending(iterationOf(ref), outcome, at, detail)],
  });
  const endCurrent = (outcome: IterationOutcome, at: string, detail: string | null = null): TimelineChanges => {
    const current = currentPass(before);
    return current === undefined ? NONE : end(current, outcome, at, detail);
  };

  switch (event.type) {
    case 'StageQueued': {
      const d = event.data;
      const opened: TimelineIteration = {
        trakId,
        stage: d.stage,
        iteration: d.iteration,
        position,
        trigger: d.trigger ?? null,
        attempts: d.attempts,
        startedAt: d.at,
        endedAt: null,
        outcome: null,
        outcomeDetail: null,
        artifact: null,
      };
      return { ...NONE, iterations: [...superseded(before, d.stage, d.trigger, d.at), { insert: opened }] };
    }

    case 'AgentRunRequested': {
      const d = event.data;
      const agent = stageOf(before, d.stage)?.agent;
      const run: TimelineAgentRun = {
        trakId,
        runId: d.runId,
        stage: d.stage,
        iteration: d.iteration,
        position,
        // The decider only queues stages of the Trak's own flow, so the stage is always found.
        agent: agent?.kind ?? 'claudecode',
        model: agent?.model ?? null,
        requestedAt: d.at,
        runnerId: null,
        takenOverFrom: null,
        startedAt: null,
        sessionId: null,
        endedAt: null,
        status: 'requested',
        failureReason: null,
        failureMessage: null,
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        outputType: null,
      };
      return { ...NONE, runs: [{ insert: run }] };
    }

    case 'AgentRunStarted': {
      const d = event.data;
      // A later start is a takeover: the run now names the runner that carries it on, and the one it took it from.
      const set: Partial<TimelineAgentRun> = {
        status: 'running',
        runnerId: d.runnerId,
        startedAt: d.at,
        ...(d.sessionId !== undefined && { sessionId: d.sessionId }),
        ...(d.takesOverFrom !== undefined && { takenOverFrom: d.takesOverFrom }),
      };
      return { ...NONE, runs: [{ key: runKey({ trakId, runId: d.runId }), set }] };
    }

    case 'AgentRunCompleted': {
      const d = event.data;
      const set: Partial<TimelineAgentRun> = {
        status: 'completed',
        endedAt: d.at,
        outputType: d.output.type,
        ...usageOf(d.usage),
        ...(d.sessionId !== undefined && { sessionId: d.sessionId }),
      };
      return { ...NONE, runs: [{ key: runKey({ trakId, runId: d.runId }), set }] };
    }

    case 'AgentRunFailed': {
      const d = event.data;
      const set: Partial<TimelineAgentRun> = { status: 'failed', endedAt: d.at, failureReason: d.reason, failureMessage: d.message, ...usageOf(d.usage) };
      return { ...end(d, 'agent_error', d.at, `${d.reason}: ${d.message}`), runs: [{ key: runKey({ trakId, runId: d.runId }), set }] };
    }

    case 'ArtifactProduced':
      return producedArtifact(iterationOf(event.data), event.data.name);

    case 'SubtraksProposed':
    case 'RejectionProposed':
      return producedArtifact(iterationOf(event.data), stageOf(before, event.data.stage)?.artifact ?? event.data.stage);

    case 'QuestionsAnswered': {
      const d = event.data;
      const count = `${d.answers.length} question${d.answers.length === 1 ? '' : 's'}`;
      return end(d, 'answered', d.at, d.auto ? `${count} answered by auto mode` : `${count} answered by a person`);
    }

    case 'RejectionConfirmed': {
      const d = event.data;
      const by = d.auto ? 'by auto mode' : 'by a person';
      return end(d, 'rejection_confirmed', d.at, `the agent's rejection was confirmed ${by}; back to "${d.target}": ${d.feedback}`);
    }

    case 'OutputMalformed': {
      const d = event.data;
      return end(d, 'malformed', d.at, `${d.error} (attempt ${d.attempt} of ${d.maxAttempts})`);
    }

    case 'GateRunRequested': {
      const d = event.data;
      const gate = stageOf(before, d.stage)?.gate;
      const run: TimelineGateRun = {
        trakId,
        gateRunId: d.gateRunId,
        stage: d.stage,
        iteration: d.iteration,
        position,
        command: gate?.kind === 'script' ? gate.command : null,
        requestedAt: d.at,
        endedAt: null,
        status: 'running',
        passed: null,
        exitCode: null,
        timedOut: null,
        output: null,
      };
      return { ...NONE, gates: [{ insert: run }] };
    }

    case 'GatePassed': {
      const d = event.data;
      // The decider takes a result as a pass only for exit code 0 without a timeout.
      const set: Partial<TimelineGateRun> = { status: 'passed', endedAt: d.at, passed: true, exitCode: 0, timedOut: false, output: d.output };
      return { ...NONE, gates: [{ key: gateRunKey({ trakId, gateRunId: d.gateRunId }), set }] };
    }

    case 'GateFailed': {
      const d = event.data;
      const set: Partial<TimelineGateRun> = { status: 'failed', endedAt: d.at, passed: false, exitCode: d.exitCode, timedOut: d.timedOut, output: d.output };
      const how = d.timedOut ? 'timed out' : `exit code ${d.exitCode ?? 'unknown'}`;
      return {
        ...end(d, 'gate_failed', d.at, `${how} (attempt ${d.attempt} of ${d.maxAttempts})`),
        gates: [{ key: gateRunKey({ trakId, gateRunId: d.gateRunId }), set }],
      };
    }

    case 'StageApproved': {
      const d = event.data;
      const detail = d.forced ? 'finished by a person without review' : d.by === 'auto' ? 'approved by auto mode' : 'approved by a person';
      return end(d, 'approved', d.at, detail);
    }

    case 'StageRejected': {
      const d = event.data;
      return end(d, 'rejected', d.at, d.target === d.stage ? d.feedback : `back to "${d.target}": ${d.feedback}`);
    }

    case 'StageSkipped':
      return end(event.data, 'skipped', event.data.at, textOrNull(event.data.message));

    case 'TrakInterrupted': {
      const d = event.data;
      return {
        ...end(d, 'interrupted', d.at),
        runs: d.runId === undefined ? [] : [stopped(runKey({ trakId, runId: d.runId }), d.at, 'Interrupted')],
        gates: d.gateRunId === undefined ? [] : [stopped(gateRunKey({ trakId, gateRunId: d.gateRunId }), d.at)],
      };
    }

    case 'TrakFailed':
      return endCurrent('failed', event.data.at, event.data.error);

    case 'TrakBlocked':
      return endCurrent('blocked', event.data.at, event.data.detail);

    case 'TrakCancelled': {
      const d = event.data;
      return {
        ...endCurrent('cancelled', d.at, d.reason),
        runs: before.status === 'AgentRunning' ? [stopped(runKey({ trakId, runId: before.run.runId }), d.at, 'Cancelled')] : [],
        gates: before.status === 'GateRunning' ? [stopped(gateRunKey({ trakId, gateRunId: before.gateRunId }), d.at)] : [],
      };
    }

    // Facts that leave the timeline as it is: the Trak's own life (creation, dependencies,
    // Subtraks, integration, auto mode) and waits that keep the iteration open (a job waiting
    // for a runner with its labels stays requested until a runner starts it).
    case 'TrakCreated':
    case 'DependencyCompleted':
    case 'QuestionsAsked':
    case 'AutoAnswerLimitReached':
    case 'NoRunnerFound':
    case 'RunnerFound':
    case 'AutoModeSet':
    case 'SubtraksCreated':
    case 'SubtrakCompleted':
    case 'SubtrakFailed':
    case 'TrakDone':
    case 'IntegrationRequested':
    case 'IntegrationSucceeded':
    case 'IntegrationFailed':
    case 'PullRequestOpened':
    case 'PullRequestFailed':
    case 'TrakArchived':
      return NONE;

    default: {
      const _unhandled: never = event;
      return NONE;
    }
  }
}

/**
 * A new iteration queued by a person while the current one is still open (retry, restart, send
 * to a stage) ends it; one queued after an ending (a failure, an approval…) finds it ended already.
 */
function superseded(before: KnownTrakState, stage: string, trigger: Trigger | undefined, at: string): RowChange<TimelineIteration>[] {
  const current = currentPass(before);
  if (current === undefined) return [];
  const key = iterationKey({ trakId: before.trak.trakId, ...current });
  switch (trigger?.kind) {
    case 'user_message':
      return [ending(key, 'retried', at, trigger.message)];
    case 'restart':
      return [ending(key, 'restarted', at, trigger.message)];
    case 'redirect':
      return [ending(key, 'redirected', at, trigger.message.trim() === '' ? `to "${stage}"` : `to "${stage}": ${trigger.message}`)];
    default:
      return [];
  }
}

function ending(key: string, outcome: IterationOutcome, at: string, detail: string | null): RowChange<TimelineIteration> {
  return { key, set: { endedAt: at, outcome, outcomeDetail: detail } };
}

function producedArtifact(key: string, artifact: string): TimelineChanges {
  return { ...NONE, iterations: [{ key, set: { artifact } }] };
}

function stopped<Row extends TimelineAgentRun | TimelineGateRun>(key: string, at: string, reason?: string): RowChange<Row> {
  const set = { status: 'stopped', endedAt: at, ...(reason !== undefined && { failureReason: reason }) } as Partial<Row>;
  return { key, set };
}

function usageOf(usage: { inputTokens: number; outputTokens: number; costUsd: number }): Partial<TimelineAgentRun> {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd };
}

function stageOf(state: KnownTrakState, stage: string): StageDefinition | undefined {
  return state.trak.flow.stages.find((s) => s.name === stage);
}

const textOrNull = (text: string): string | null => (text.trim() === '' ? null : text);
