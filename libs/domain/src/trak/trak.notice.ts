import { humanAttention } from './trak.attention.js';
import type { HumanAttention } from './trak.attention.js';
import type { TrakEvent } from './trak.events.js';
import type { TrakState } from './trak.state.js';

/**
 * What a project's webhook is told about one of its Traks:
 * - `trak.needs_attention`: it starts waiting for a person (output to approve, questions, an
 *   agent's rejection to confirm, interrupted, a merge decision), or now waits for another reason;
 * - `trak.blocked`: it stopped Blocked (the reason and detail are in its attention);
 * - `trak.failed`: it stopped Failed;
 * - `trak.done`: every stage passed (its attention says whether a person must integrate it);
 * - `trak.integrated`: its branch was merged, or its pull request opened.
 */
export type TrakNoticeKind = 'trak.needs_attention' | 'trak.blocked' | 'trak.failed' | 'trak.done' | 'trak.integrated';

export const TRAK_NOTICE_KINDS: readonly TrakNoticeKind[] = ['trak.needs_attention', 'trak.blocked', 'trak.failed', 'trak.done', 'trak.integrated'];

export type TrakIntegration =
  | { readonly how: 'merged'; readonly mergeCommit?: string }
  | { readonly how: 'pr_opened'; readonly prUrl: string };

export interface TrakNotice {
  readonly kind: TrakNoticeKind;
  /** Why the Trak waits for a person afterwards, if it does. */
  readonly attention?: HumanAttention;
  readonly integration?: TrakIntegration;
}

/**
 * The notice one decision about a Trak calls for, if any: `events` are everything one command
 * appended, `before` and `after` the states around them. Judging a decision whole, not each of
 * its events, keeps quiet about a state the same command leaves at once (auto mode approves the
 * artifact it just produced, or answers the questions just asked). A Trak that keeps waiting for
 * the same reason is not announced again, and the machines' own steps (queued, running, gating,
 * a merge sent back to a stage) are never announced.
 */
export function trakNotice(before: TrakState, events: readonly TrakEvent[], after: TrakState): TrakNotice | undefined {
  const attention = humanAttention(after);
  const withAttention = attention === undefined ? {} : { attention };
  for (const event of events) {
    if (event.type === 'IntegrationSucceeded') {
      const { mergeCommit } = event.data;
      return { kind: 'trak.integrated', integration: { how: 'merged', ...(mergeCommit !== undefined && { mergeCommit }) }, ...withAttention };
    }
    if (event.type === 'PullRequestOpened') return { kind: 'trak.integrated', integration: { how: 'pr_opened', prUrl: event.data.url }, ...withAttention };
  }
  if (after.status === 'Failed' && before.status !== 'Failed') return { kind: 'trak.failed', ...withAttention };
  if (after.status === 'Blocked' && before.status !== 'Blocked') return { kind: 'trak.blocked', ...withAttention };
  if (after.status === 'Done' && events.some((e) => e.type === 'TrakDone')) return { kind: 'trak.done', ...withAttention };
  if (attention !== undefined && !sameReason(humanAttention(before), attention)) return { kind: 'trak.needs_attention', attention };
  return undefined;
}

function sameReason(earlier: HumanAttention | undefined, now: HumanAttention): boolean {
  return earlier !== undefined && earlier.kind === now.kind && earlier.stage === now.stage;
}
