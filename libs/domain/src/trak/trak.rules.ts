import { illegalTransition } from '../shared/domain-error.js';
import type { FlowBudget, StageDefinition } from '../workflow/workflow.types.js';
import type { StageQueued, TrakEvent } from './trak.events.js';
import type { AgentRun, KnownTrakState, StagePass, TrakRecord, TrakState, TrakStatus } from './trak.state.js';
import { currentPass } from './trak.state.js';
import { subtrakId } from './trak.ids.js';
import type { IntegrationMode, ProposedSubtrak, Trigger, TriggerKind, Usage } from './trak.values.js';

/**
 * Whether a report that a run started comes from the very runner process that has it (same
 * runner, same life): then it is a repeat. Any other start, from another runner or from this
 * one restarted, is a takeover.
 */
export const sameRunner = (run: Pick<AgentRun, 'runnerId' | 'incarnation'>, report: { readonly runnerId: string; readonly incarnation?: string }): boolean =>
  run.runnerId === report.runnerId && run.incarnation === report.incarnation;

/** Auto mode answers at most this many question rounds per stage pass, then waits for a human. */
export const MAX_AUTO_ANSWER_ROUNDS = 3;

export const AUTO_ANSWER = 'Make a decision based on your best understanding and your strongest recommendation.';

/** Gate output fed back to the agent keeps at most this many trailing characters (the full log stays in the logs). */
export const GATE_FEEDBACK_LIMIT = 20_000;

/** Triggers that resume the stage's agent session when it has one with activity (ORKESTRA-SPEC §3.4). */
const RESUMING: readonly TriggerKind[] = ['gate_failure', 'answers', 'user_message', 'malformed_output', 'interrupted', 'agent_failure'];

/** Retry delay after the n-th failure: min(10 s · 2^(n−1), 5 min). */
export function backoffMs(failure: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, failure - 1), 300_000);
}

export const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

export function stageDefinition(trak: TrakRecord, stage: string): StageDefinition {
  const found = trak.flow.stages.find((s) => s.name === stage);
  if (found === undefined) throw illegalTransition(`Stage "${stage}" is not in flow "${trak.flow.name}"`, { stage });
  return found;
}

export function stageIndex(trak: TrakRecord, stage: string): number {
  return trak.flow.stages.findIndex((s) => s.name === stage);
}

/** Stages before `stage` in the flow, nearest last. */
export function earlierStages(trak: TrakRecord, stage: string): readonly string[] {
  return trak.flow.stages.slice(0, Math.max(0, stageIndex(trak, stage))).map((s) => s.name);
}

/** Where integration failures and update requests go: `integration.on_failure`, else the first stage. */
export function recoveryStage(trak: TrakRecord): string {
  const named = trak.flow.stages.find((s) => s.name === trak.flow.integration.onFailure);
  return (named ?? trak.flow.stages[0]!).name;
}

/** A new iteration of `stage`. Resumes the stage's session only when the trigger allows and the session did real work. */
export function queueStage(
  trak: Pick<TrakRecord, 'iterations' | 'sessions'>,
  stage: string,
  trigger: Trigger | undefined,
  now: string,
  options: { attempts?: number; notBefore?: string } = {},
): StageQueued {
  const session = trak.sessions[stage];
  const resumable = trigger !== undefined && RESUMING.includes(trigger.kind) && session?.hasActivity === true && session.sessionId !== undefined;
  return {
    type: 'StageQueued',
    data: {
      stage,
      iteration: (trak.iterations[stage] ?? 0) + 1,
      session: resumable ? 'resume' : 'new',
      attempts: options.attempts ?? 0,
      at: now,
      ...(trigger !== undefined && { trigger }),
      ...(options.notBefore !== undefined && { notBefore: options.notBefore }),
    },
  };
}

/**
 * Counts one more failure in the current pass: below the stage's `max_attempts` the stage runs
 * again with the failure as its trigger; at the cap the Trak is Blocked, keeping all its work.
 */
export function failAttempt(
  trak: TrakRecord,
  current: StagePass,
  trigger: Trigger,
  now: string,
  options: { backoff: boolean; summary: string },
): TrakEvent[] {
  const attempt = current.attempts + 1;
  const max = stageDefinition(trak, current.stage).maxAttempts;
  if (attempt >= max) {
    return [
      {
        type: 'TrakBlocked',
        data: {
          stage: current.stage,
          reason: 'AttemptsExhausted',
          detail: `Stage "${current.stage}" failed ${attempt} of ${max} allowed attempts; last failure: ${options.summary}`,
          at: now,
        },
      },
    ];
  }
  const notBefore = options.backoff ? addMs(now, backoffMs(attempt)) : undefined;
  return [queueStage(trak, current.stage, trigger, now, { attempts: attempt, ...(notBefore !== undefined && { notBefore }) })];
}

/** A description of the crossed limit, or undefined while the usage is within the flow's budget. */
/** Dollars with cents, and with up to four decimals for small amounts ($1.50, $0.01, $0.005). */
const dollars = (amount: number): string => `$${amount.toFixed(amount !== 0 && Math.abs(amount) < 0.1 ? 4 : 2).replace(/(\.\d\d\d*?)0+$/, '$1')}`;

export function budgetExceeded(budget: FlowBudget | undefined, usage: Usage, name = 'the flow budget'): string | undefined {
  if (budget === undefined) return undefined;
  if (budget.maxCostUsd !== undefined && usage.costUsd > budget.maxCostUsd) {
    return `cost ${dollars(usage.costUsd)} exceeds ${name} of ${dollars(budget.maxCostUsd)}`;
  }
  const tokens = usage.inputTokens + usage.outputTokens;
  if (budget.maxTokens !== undefined && tokens > budget.maxTokens) {
    return `${tokens} tokens exceed ${name} of ${budget.maxTokens}`;
  }
  return undefined;
}

/** Keeps the last `limit` characters, saying how much was cut. */
export function keepTail(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `[… ${text.length - limit} earlier characters cut; the full output is in the logs]\n${text.slice(-limit)}`;
}

/** The events that move a Trak past its current stage: Subtraks, the next stage, or done. */
export function advance(
  trak: TrakRecord,
  current: StagePass,
  proposal: readonly ProposedSubtrak[] | undefined,
  now: string,
): TrakEvent[] {
  const index = stageIndex(trak, current.stage);
  const definition = trak.flow.stages[index];
  if (definition?.subtasks !== undefined && proposal !== undefined && proposal.length > 1) {
    const ids = proposal.map((_, i) => subtrakId(trak.trakId, trak.subtraks.length + i + 1));
    return [
      {
        type: 'SubtraksCreated',
        data: {
          stage: current.stage,
          iteration: current.iteration,
          subtraks: proposal.map((p, i) => ({
            trakId: ids[i]!,
            title: p.title,
            description: p.description,
            instructions: p.detailedInstructions,
            dependsOn: p.dependsOn.map((d) => ids[d]!),
            flow: definition.subtasks!.flow,
          })),
          at: now,
        },
      },
    ];
  }
  return moveOnFrom(trak, current.stage, now);
}

/**
 * How a Done Trak integrates without a person (ORKESTRA-SPEC §6.4): a Subtrak always merges
 * into its parent's branch; a top-level Trak opens its PR when asked to at creation, else merges
 * when its flow says `auto_merge`. Undefined: a person decides (merge, open a PR, or archive).
 */
export function automaticIntegration(trak: Pick<TrakRecord, 'parent' | 'autoPr' | 'flow'>): IntegrationMode | undefined {
  if (trak.parent !== undefined) return 'merge';
  if (trak.autoPr) return 'pr';
  return trak.flow.integration.autoMerge ? 'merge' : undefined;
}

/** The stage after `stage`, or done when it was the last. */
export function moveOnFrom(trak: TrakRecord, stage: string, now: string): TrakEvent[] {
  const next = trak.flow.stages[stageIndex(trak, stage) + 1];
  return next === undefined ? [{ type: 'TrakDone', data: { at: now } }] : [queueStage(trak, next.name, undefined, now)];
}

// ---- Guards

export function describeState(state: TrakState): string {
  const current = currentPass(state);
  return current === undefined ? state.status : `${state.status} at stage "${current.stage}"`;
}

/** Narrows the state to one of `allowed`, or throws an error naming the Trak, its state and a hint. */
export function requireStatus<S extends TrakStatus>(
  state: KnownTrakState,
  allowed: readonly S[],
  action: string,
  hint?: string,
): Extract<TrakState, { status: S }> {
  if ((allowed as readonly TrakStatus[]).includes(state.status)) return state as Extract<TrakState, { status: S }>;
  throw illegalTransition(
    `Cannot ${action} Trak ${state.trak.trakId}: it is ${describeState(state)}${hint === undefined ? '' : `; ${hint}`}`,
    { trakId: state.trak.trakId, status: state.status, action },
  );
}

export function requireCurrent(state: KnownTrakState, action: string): StagePass {
  const current = currentPass(state);
  if (current === undefined) {
    throw illegalTransition(`Cannot ${action} Trak ${state.trak.trakId}: it is ${state.status} and not in a stage`, {
      trakId: state.trak.trakId,
      status: state.status,
    });
  }
  return current;
}

export function subtrakFailureDetail(subtrak: { trakId: string; title: string }, reason: string): string {
  return `Subtrak "${subtrak.title}" (${subtrak.trakId}) failed: ${reason}`;
}
