import type { TrakEvent } from '../trak/trak.events.js';
import { TERMINAL_STATUSES } from '../trak/trak.state.js';
import type { TrakState } from '../trak/trak.state.js';
import { currentJobId } from './pipeline.jobs.js';

/**
 * The events that end a Trak (after one, it is in one of `TERMINAL_STATUSES` for good): a Trak
 * whose stream holds none of them is still going. Lets a store find those Traks without folding
 * every stream.
 */
export const TRAK_END_EVENTS = ['IntegrationSucceeded', 'TrakArchived', 'TrakCancelled'] as const satisfies readonly TrakEvent['type'][];

/**
 * Recovery from a bus that lost what it held (an in-process bus dies with its process): the
 * events and results on it that the pipeline had not handled yet are gone. The pipeline is run
 * again over every event of the Traks this one's recovery needs, which changes nothing where it
 * already ran (its effects are idempotent) and does what was lost where it had not.
 *
 * A Trak still going needs its own events, its parent's (a parent's cancellation, or a sibling's
 * completion, are commands to its Subtraks) and its Subtraks' (a Subtrak's end, or its
 * cancellation, is a command to its parent, which may have missed it). An ended Trak is replayed
 * only when named here or when it still has a job out (its end then frees the job's slot).
 */
export function traksToReplay(state: TrakState): string[] {
  if (state.status === 'Initial') return [];
  const { trak } = state;
  if (TERMINAL_STATUSES.includes(state.status)) return [trak.trakId];
  return [trak.trakId, ...(trak.parent === undefined ? [] : [trak.parent.trakId]), ...trak.subtraks.map((subtrak) => subtrak.trakId)];
}

/**
 * A job that was out on a bus that lost it never reached a runner, or its runner's result is
 * gone: sent again while it is still its Trak's current job (the same job id, so a runner that
 * did run it finds its work), else it is over.
 */
export const sendLostJobAgain = (jobId: string, state: TrakState): boolean => currentJobId(state) === jobId;
