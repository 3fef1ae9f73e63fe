import type { TimelineAgentRun, TimelineGateRun, TimelineIteration } from '@orkestra/read-models';
import type { AgentRun, GateResult, IterationTrigger, StageIteration } from './timeline.model.js';
import { AgentRunStatusValue, GateRunStatusValue, IterationOutcomeValue } from './timeline.model.js';

export function iterationView(row: TimelineIteration): StageIteration {
  return {
    stage: row.stage,
    iteration: row.iteration,
    attempts: row.attempts,
    startedAt: row.startedAt,
    ...present('trigger', row.trigger === null ? null : ({ ...row.trigger } as IterationTrigger)),
    ...present('endedAt', row.endedAt),
    ...present('outcome', row.outcome === null ? null : IterationOutcomeValue[row.outcome]),
    ...present('outcomeDetail', row.outcomeDetail),
    ...present('artifact', row.artifact),
  };
}

export function agentRunView(row: TimelineAgentRun): AgentRun {
  const ended = row.inputTokens !== null && row.outputTokens !== null && row.costUsd !== null;
  return {
    id: row.runId,
    stage: row.stage,
    iteration: row.iteration,
    agent: row.agent,
    requestedAt: row.requestedAt,
    status: AgentRunStatusValue[row.status],
    ...present('model', row.model),
    ...present('runnerId', row.runnerId),
    ...present('takenOverFrom', row.takenOverFrom),
    ...present('startedAt', row.startedAt),
    ...present('sessionId', row.sessionId),
    ...present('endedAt', row.endedAt),
    ...present('failureReason', row.failureReason),
    ...present('failureMessage', row.failureMessage),
    ...(ended && { usage: { inputTokens: row.inputTokens!, outputTokens: row.outputTokens!, costUsd: row.costUsd! } }),
    ...present('outputType', row.outputType),
  };
}

export function gateResultView(row: TimelineGateRun): GateResult {
  return {
    id: row.gateRunId,
    stage: row.stage,
    iteration: row.iteration,
    requestedAt: row.requestedAt,
    status: GateRunStatusValue[row.status],
    ...present('command', row.command),
    ...present('endedAt', row.endedAt),
    ...present('passed', row.passed),
    ...present('exitCode', row.exitCode),
    ...present('timedOut', row.timedOut),
    ...present('output', row.output),
  };
}

const present = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } => (value === null ? {} : { [key]: value }) as { [P in K]?: V };
