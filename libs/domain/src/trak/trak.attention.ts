import type { StateOf, TrakState } from './trak.state.js';
import { automaticIntegration, stageDefinition } from './trak.rules.js';
import type { BlockReason } from './trak.values.js';

/**
 * Why a Trak waits for a person:
 * - `AwaitingApproval`: a stage's output (artifact, verdict, or proposed Subtraks) waits for review;
 * - `AwaitingAnswers`: the agent asked questions;
 * - `AwaitingRejectionConfirmation`: a reviewing agent rejected the work and wants an earlier stage again;
 * - `Interrupted`: a person stopped the run;
 * - `Failed`, `Blocked`: it stopped, keeping its work, until someone retries, skips or redirects it;
 * - `AwaitingMergeDecision`: every stage passed and nothing integrates it on its own (or opening its PR failed);
 * - `PullRequestOpen`: its PR waits to be merged on the forge; then a person archives the Trak.
 */
export type AttentionKind =
  | 'AwaitingApproval'
  | 'AwaitingAnswers'
  | 'AwaitingRejectionConfirmation'
  | 'Interrupted'
  | 'Failed'
  | 'Blocked'
  | 'AwaitingMergeDecision'
  | 'PullRequestOpen';

export interface HumanAttention {
  readonly kind: AttentionKind;
  /** One or two sentences for a person: what happened and what they can do. */
  readonly detail: string;
  /** The stage it waits in, when it waits in one. */
  readonly stage?: string;
  readonly blockReason?: BlockReason;
  /** The failed Subtrak blocking it (`blockReason` `SubtrakFailed`). */
  readonly subtrakId?: string;
  readonly prUrl?: string;
}

/**
 * What a person must do for this Trak to move on, or undefined while the machines have it
 * (queued, running, gating, integrating, waiting on Subtraks or dependencies) or it has ended.
 */
export function humanAttention(state: TrakState): HumanAttention | undefined {
  switch (state.status) {
    case 'AwaitingApproval':
      return awaitingApproval(state);
    case 'AwaitingAnswers': {
      const { stage } = state.current;
      const count = state.questions.length;
      const first = state.questions[0]?.question ?? '';
      const auto = state.trak.autoMode ? ` Auto mode stopped answering after ${state.current.autoAnswerRounds} rounds.` : '';
      return {
        kind: 'AwaitingAnswers',
        stage,
        detail: `The agent at stage "${stage}" asked ${count === 1 ? 'a question' : `${count} questions`} ("${excerpt(first)}"${count > 1 ? ', …' : ''}): answer ${count === 1 ? 'it' : 'them'}.${auto}`,
      };
    }
    case 'AwaitingRejectionConfirmation': {
      const { stage } = state.current;
      const { target, feedback } = state.rejection;
      return {
        kind: 'AwaitingRejectionConfirmation',
        stage,
        detail: `The agent at stage "${stage}" rejected the work and asks for stage "${target}" again: "${excerpt(feedback)}". Approve to confirm, or skip or retry to overrule it.`,
      };
    }
    case 'Interrupted':
      return {
        kind: 'Interrupted',
        stage: state.current.stage,
        detail: `Stopped by a person at stage "${state.current.stage}": retry it with a message, or skip, restart or redirect the stage.`,
      };
    case 'Failed':
      return { kind: 'Failed', detail: state.error, ...(state.current !== undefined && { stage: state.current.stage }) };
    case 'Blocked':
      return {
        kind: 'Blocked',
        detail: state.detail,
        blockReason: state.reason,
        ...(state.current !== undefined && { stage: state.current.stage }),
        ...(state.subtrakId !== undefined && { subtrakId: state.subtrakId }),
      };
    case 'Done':
      return done(state);
    default:
      return undefined;
  }
}

function awaitingApproval(state: StateOf<'AwaitingApproval'>): HumanAttention {
  const { stage } = state.current;
  const proposal = state.proposal ?? [];
  const detail =
    proposal.length > 1
      ? `Stage "${stage}" proposes ${proposal.length} Subtraks: approve to create them, or reject with feedback.`
      : `Stage "${stage}" produced its ${stageDefinition(state.trak, stage).artifact}: approve it, or reject it with feedback.`;
  return { kind: 'AwaitingApproval', stage, detail };
}

/** A Done Trak the pipeline integrates on its own needs nobody (the rule is `automaticIntegration`, which the pipeline follows too). */
function done(state: StateOf<'Done'>): HumanAttention | undefined {
  const { trak } = state;
  if (trak.prUrl !== undefined) {
    return { kind: 'PullRequestOpen', prUrl: trak.prUrl, detail: `Pull request ${trak.prUrl} is open: merge it on the forge, then archive the Trak.` };
  }
  // A failed PR is not retried on its own.
  if (trak.prError !== undefined) {
    return { kind: 'AwaitingMergeDecision', detail: `Opening the pull request failed (${excerpt(trak.prError)}): open it again, merge instead, or archive the Trak.` };
  }
  if (automaticIntegration(trak) !== undefined) return undefined;
  return {
    kind: 'AwaitingMergeDecision',
    detail: `Every stage passed and flow "${trak.flow.name}" does not merge on its own: merge it, open a pull request, or archive it.`,
  };
}

function excerpt(text: string, limit = 160): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}
