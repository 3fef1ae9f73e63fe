import { assertNever } from '../shared/message.js';
import type { TrakEvent } from './trak.events.js';
import type { KnownTrakState, StagePass, StateOf, SubtrakRecord, TrakRecord, TrakState } from './trak.state.js';
import { currentPass } from './trak.state.js';
import type { Resource, TriggerKind } from './trak.values.js';
import { NO_USAGE, addUsage } from './trak.values.js';
import { subtrakFailureDetail } from './trak.rules.js';

/** Triggers that continue the same pass of a stage (its counters carry over). */
const CONTINUING: readonly TriggerKind[] = ['answers', 'gate_failure', 'malformed_output', 'agent_failure', 'interrupted'];

export function evolve(state: TrakState, event: TrakEvent): TrakState {
  if (event.type === 'TrakCreated') return created(event.data);
  if (state.status === 'Initial') return state;
  const { trak } = state;

  switch (event.type) {
    case 'DependencyCompleted':
      return state.status === 'WaitingOnDependencies'
        ? { ...state, waitingFor: state.waitingFor.filter((id) => id !== event.data.dependencyId) }
        : state;

    case 'StageQueued': {
      const previous = currentPass(state);
      const continuing =
        previous?.stage === event.data.stage && event.data.trigger !== undefined && CONTINUING.includes(event.data.trigger.kind);
      const current: StagePass = {
        stage: event.data.stage,
        iteration: event.data.iteration,
        attempts: event.data.attempts,
        autoAnswerRounds: continuing ? previous.autoAnswerRounds : 0,
        ...(event.data.trigger !== undefined && { trigger: event.data.trigger }),
      };
      const sessions =
        event.data.session === 'new' ? { ...trak.sessions, [event.data.stage]: { hasActivity: false } } : trak.sessions;
      return {
        status: 'Queued',
        trak: { ...trak, sessions, iterations: { ...trak.iterations, [event.data.stage]: event.data.iteration } },
        current,
        ...(event.data.notBefore !== undefined && { notBefore: event.data.notBefore }),
      };
    }

    case 'AgentRunRequested':
      return withCurrent(state, (current) => ({
        status: 'AgentRunning',
        trak,
        current,
        run: { runId: event.data.runId, requestedAt: event.data.at },
      }));

    case 'AgentRunStarted': {
      if (state.status !== 'AgentRunning' || state.run.runId !== event.data.runId) return state;
      const stage = state.current.stage;
      const session = trak.sessions[stage] ?? { hasActivity: false };
      const sessionId = event.data.sessionId ?? session.sessionId;
      // A runner has the run: whatever it waited for is over.
      const { runnerWait: _over, ...running } = state;
      return {
        ...running,
        run: {
          runId: state.run.runId,
          requestedAt: state.run.requestedAt,
          runnerId: event.data.runnerId,
          ...(event.data.incarnation !== undefined && { incarnation: event.data.incarnation }),
          startedAt: event.data.at,
        },
        trak: { ...trak, sessions: { ...trak.sessions, [stage]: { ...session, ...(sessionId !== undefined && { sessionId }) } } },
      };
    }

    case 'AgentRunCompleted': {
      const session = trak.sessions[event.data.stage] ?? { hasActivity: false };
      const sessionId = event.data.sessionId ?? session.sessionId;
      return withTrak(state, {
        ...trak,
        usage: addUsage(trak.usage, event.data.usage),
        sessions: { ...trak.sessions, [event.data.stage]: { hasActivity: true, ...(sessionId !== undefined && { sessionId }) } },
      });
    }

    case 'AgentRunFailed':
      return withTrak(state, { ...trak, usage: addUsage(trak.usage, event.data.usage) });

    case 'ArtifactProduced': {
      const d = event.data;
      const next = recordOutput(trak, d, d.content, d.resources, d.activityLog);
      return withCurrent(state, (current) =>
        d.awaiting === 'gate' ? { status: 'AwaitingGate', trak: next, current } : { status: 'AwaitingApproval', trak: next, current },
      );
    }

    case 'QuestionsAsked':
      return withCurrent(state, (current) => ({ status: 'AwaitingAnswers', trak, current, questions: event.data.questions }));

    case 'QuestionsAnswered':
      return event.data.auto && state.status === 'AwaitingAnswers'
        ? { ...state, current: { ...state.current, autoAnswerRounds: state.current.autoAnswerRounds + 1 } }
        : state;

    case 'SubtraksProposed': {
      const d = event.data;
      const next = recordOutput(trak, d, d.content, d.resources, d.activityLog);
      return withCurrent(state, (current) => ({ status: 'AwaitingApproval', trak: next, current, proposal: d.subtraks }));
    }

    case 'RejectionProposed':
      return withCurrent(state, (current) => ({
        status: 'AwaitingRejectionConfirmation',
        trak: recordOutput(trak, event.data, event.data.feedback, [], undefined),
        current,
        rejection: { target: event.data.target, feedback: event.data.feedback },
      }));

    case 'GateRunRequested':
      return withCurrent(state, (current) => ({ status: 'GateRunning', trak, current, gateRunId: event.data.gateRunId }));

    case 'GatePassed':
      return withCurrent(state, (current) => ({ status: 'AwaitingApproval', trak, current }));

    case 'TrakInterrupted':
      return withCurrent(state, (current) => ({ status: 'Interrupted', trak, current }));

    case 'NoRunnerFound': {
      const { jobId, labels, agent, at } = event.data;
      if (!waitsOnJob(state, jobId)) return state;
      return { ...state, runnerWait: { jobId, labels, since: at, ...(agent !== undefined && { agent }) } };
    }

    case 'RunnerFound': {
      if (!waitsOnJob(state, event.data.jobId) || state.runnerWait?.jobId !== event.data.jobId) return state;
      const { runnerWait: _over, ...found } = state;
      return found;
    }

    case 'AutoModeSet':
      return withTrak(state, { ...trak, autoMode: event.data.enabled });

    case 'SubtraksCreated': {
      const added = event.data.subtraks.map((s) => ({ trakId: s.trakId, title: s.title, dependsOn: s.dependsOn, status: 'pending' as const }));
      return withCurrent(state, (current) => ({
        status: 'WaitingOnChildren',
        trak: { ...trak, subtraks: [...trak.subtraks, ...added] },
        current,
      }));
    }

    case 'SubtrakCompleted':
      return subtrakSettled(state, event.data.subtrakId, { status: 'completed' });

    case 'SubtrakFailed':
      return subtrakSettled(state, event.data.subtrakId, { status: 'failed', failure: event.data.reason });

    case 'TrakDone':
      return { status: 'Done', trak };

    case 'IntegrationRequested':
      return { status: 'Integrating', trak: { ...trak, integrations: trak.integrations + 1 }, jobId: event.data.jobId, mode: event.data.mode };

    case 'IntegrationSucceeded':
    case 'TrakArchived':
      return { status: 'Archived', trak };

    case 'PullRequestOpened': {
      const { prError: _dropped, ...rest } = trak;
      return { status: 'Done', trak: { ...rest, prUrl: event.data.url } };
    }

    case 'PullRequestFailed':
      return { status: 'Done', trak: { ...trak, prError: event.data.error } };

    case 'TrakFailed': {
      const current = currentPass(state);
      return { status: 'Failed', trak, error: event.data.error, ...(current !== undefined && { current }) };
    }

    case 'TrakBlocked': {
      const current = currentPass(state);
      return {
        status: 'Blocked',
        trak,
        reason: event.data.reason,
        detail: event.data.detail,
        ...(current !== undefined && { current }),
        ...(event.data.subtrakId !== undefined && { subtrakId: event.data.subtrakId }),
      };
    }

    case 'TrakCancelled':
      return { status: 'Cancelled', trak, reason: event.data.reason };

    // Facts recorded for history and read models; the event that follows them moves the state.
    case 'AutoAnswerLimitReached':
    case 'RejectionConfirmed':
    case 'OutputMalformed':
    case 'GateFailed':
    case 'StageApproved':
    case 'StageRejected':
    case 'StageSkipped':
    case 'IntegrationFailed':
      return state;

    default:
      return assertNever(event, 'Trak event');
  }
}

function created(data: Extract<TrakEvent, { type: 'TrakCreated' }>['data']): TrakState {
  const { at, initialArtifacts, ...facts } = data;
  const artifacts = Object.fromEntries(
    Object.entries(initialArtifacts).map(([name, content]) => [name, { name, content, stage: '', iteration: 0, at }]),
  );
  const trak: TrakRecord = {
    ...facts,
    createdAt: at,
    artifacts,
    resources: [],
    activityLogs: {},
    sessions: {},
    iterations: {},
    usage: NO_USAGE,
    subtraks: [],
    integrations: 0,
  };
  return { status: 'WaitingOnDependencies', trak, waitingFor: data.dependsOn };
}

/** States whose job may wait for a runner, when `jobId` is that job. */
function waitsOnJob(state: KnownTrakState, jobId: string): state is StateOf<'AgentRunning' | 'GateRunning' | 'Integrating'> {
  switch (state.status) {
    case 'AgentRunning':
      return state.run.runId === jobId;
    case 'GateRunning':
      return state.gateRunId === jobId;
    case 'Integrating':
      return state.jobId === jobId;
    default:
      return false;
  }
}

function withTrak(state: KnownTrakState, trak: TrakRecord): TrakState {
  return { ...state, trak } as TrakState;
}

function withCurrent(state: KnownTrakState, next: (current: StagePass) => TrakState): TrakState {
  const current = currentPass(state);
  return current === undefined ? state : next(current);
}

/** Stores a stage's output as its artifact, with the resources and activity log that came with it. */
function recordOutput(
  trak: TrakRecord,
  ref: { stage: string; iteration: number; at: string },
  content: string,
  resources: readonly Resource[],
  activityLog: string | undefined,
): TrakRecord {
  const name = trak.flow.stages.find((s) => s.name === ref.stage)?.artifact ?? ref.stage;
  return {
    ...trak,
    artifacts: { ...trak.artifacts, [name]: { name, content, stage: ref.stage, iteration: ref.iteration, at: ref.at } },
    resources: mergeResources(trak.resources, resources),
    activityLogs: activityLog === undefined ? trak.activityLogs : { ...trak.activityLogs, [ref.stage]: activityLog },
  };
}

/** Marks a Subtrak completed or failed; a parent blocked only by failed Subtraks goes back to waiting once none is failing. */
function subtrakSettled(state: KnownTrakState, subtrakId: string, outcome: Pick<SubtrakRecord, 'status' | 'failure'>): TrakState {
  const subtraks = state.trak.subtraks.map((s) =>
    s.trakId === subtrakId ? { trakId: s.trakId, title: s.title, dependsOn: s.dependsOn, ...outcome } : s,
  );
  const trak = { ...state.trak, subtraks };
  if (state.status !== 'Blocked' || state.reason !== 'SubtrakFailed') return withTrak(state, trak);
  const failing = subtraks.find((s) => s.status === 'failed');
  if (failing === undefined) return state.current === undefined ? withTrak(state, trak) : { status: 'WaitingOnChildren', trak, current: state.current };
  // Keep blaming a Subtrak that is still failing, so the hint to retry it stays true.
  return { ...state, trak, subtrakId: failing.trakId, detail: subtrakFailureDetail(failing, failing.failure ?? 'failed') };
}

function mergeResources(existing: readonly Resource[], added: readonly Resource[]): readonly Resource[] {
  if (added.length === 0) return existing;
  const byName = new Map(existing.map((r) => [r.name, r]));
  for (const resource of added) byName.set(resource.name, resource);
  return [...byName.values()];
}
