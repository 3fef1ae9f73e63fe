import type { AgentOutput } from '../../src/trak/trak.values.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { TrakCreated } from '../../src/trak/trak.events.js';
import { NOW, cmd, created, currentGateRunId, currentRunId, historyOf, stateOf } from './fixtures.js';

let runCounter = 0;

/** Starts an agent run for the queued stage on `runner-a`, reporting `sessionId`. */
export function started(events: readonly TrakEvent[], sessionId = 'session-1', now = NOW): TrakEvent[] {
  const runId = `run-${++runCounter}`;
  return historyOf(
    events,
    cmd('RequestAgentRun', { runId }, now),
    cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-a', sessionId }, now),
  );
}

/** The current run ends with `output`. */
export function answered(events: readonly TrakEvent[], output: AgentOutput, now = NOW): TrakEvent[] {
  return historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output }, now));
}

/** Starts a run and ends it with `output`. */
export function ran(events: readonly TrakEvent[], output: AgentOutput, now = NOW): TrakEvent[] {
  return answered(started(events, 'session-1', now), output, now);
}

export function gateRequested(events: readonly TrakEvent[]): TrakEvent[] {
  return historyOf(events, cmd('RequestGateRun', { gateRunId: `gate-${++runCounter}` }));
}

export function gateResult(events: readonly TrakEvent[], exitCode: number, output = ''): TrakEvent[] {
  const gateRunId = currentGateRunId(events);
  return historyOf(events, cmd('RecordGateResult', { gateRunId, exitCode, timedOut: false, output }));
}

export const artifact = (content: string): AgentOutput => ({ type: 'artifact', content });

/** A Trak on the `default` flow, queued at its first stage (planning). */
export const newTrak = (overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] => historyOf([], cmd('CreateTrak', created(overrides).data));

/** Walks a default-flow Trak through planning and a one-Subtrak breakdown, to `work` queued (auto mode, if asked, is turned on there). */
export function queuedAtWork(overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  const { autoMode, ...rest } = overrides;
  let events = ran(newTrak(rest), artifact('The plan'));
  events = historyOf(events, cmd('Approve', {}));
  events = ran(events, {
    type: 'subtasks',
    content: 'Design',
    subtasks: [{ title: 'Only', description: 'One piece', detailedInstructions: 'Do it all', dependsOn: [] }],
  });
  events = historyOf(events, cmd('Approve', {}));
  const state = stateOf(events);
  if (state.status !== 'Queued' || state.current.stage !== 'work') throw new Error(`expected work queued, got ${state.status}`);
  return autoMode === true ? historyOf(events, cmd('SetAutoMode', { enabled: true })) : events;
}

/** work produced its summary and its gate is running. */
export function gateRunningAtWork(overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  return gateRequested(ran(queuedAtWork(overrides), artifact('Implemented it')));
}

/** review is running (work passed its gate and was approved). */
export function runningAtReview(overrides: Partial<TrakCreated['data']> = {}): TrakEvent[] {
  const events = historyOf(gateResult(gateRunningAtWork(overrides), 0, 'ok'), cmd('Approve', {}));
  return started(events, 'review-session');
}
