import { evolve, initialState } from '@orkestra/domain';
import type { TrakEvent, TrakState } from '@orkestra/domain';
import { timelineChanges } from './timeline-changes.js';
import { applyRowChanges, gateRunKey, iterationKey, runKey } from './timeline-rows.js';
import type { TimelineAgentRun, TimelineChanges, TimelineGateRun, TimelineIteration } from './timeline-rows.js';

/** A Trak's iterations, agent runs and gate runs, each in the order the Trak began them. */
export interface Timeline {
  readonly iterations: readonly TimelineIteration[];
  readonly runs: readonly TimelineAgentRun[];
  readonly gates: readonly TimelineGateRun[];
}

/** A Trak event as read from its stream. */
export interface PositionedTrakEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly streamPosition: number;
}

/**
 * The timeline of one Trak folded from its events (oldest first) by the same rules the projection
 * applies, e.g. the Trak as it stood at an earlier version. Equals its rows in the read model.
 */
export function timelineOf(events: readonly PositionedTrakEvent[]): Timeline {
  const iterations = new Map<string, TimelineIteration>();
  const runs = new Map<string, TimelineAgentRun>();
  const gates = new Map<string, TimelineGateRun>();
  let state: TrakState = initialState();
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as unknown as TrakEvent;
    applyTimelineChanges({ iterations, runs, gates }, timelineChanges(state, event, recorded.streamPosition));
    state = evolve(state, event);
  }
  const ordered = <Row extends { position: number }>(rows: Map<string, Row>): Row[] => [...rows.values()].sort((a, b) => a.position - b.position);
  return { iterations: ordered(iterations), runs: ordered(runs), gates: ordered(gates) };
}

export interface TimelineRows {
  readonly iterations: Map<string, TimelineIteration>;
  readonly runs: Map<string, TimelineAgentRun>;
  readonly gates: Map<string, TimelineGateRun>;
}

/** Applies one event's changes to rows held by key; returns the keys it inserted or changed, per table. */
export function applyTimelineChanges(rows: TimelineRows, changes: TimelineChanges): { iterations: Set<string>; runs: Set<string>; gates: Set<string> } {
  return {
    iterations: applyRowChanges(rows.iterations, changes.iterations, iterationKey),
    runs: applyRowChanges(rows.runs, changes.runs, runKey),
    gates: applyRowChanges(rows.gates, changes.gates, gateRunKey),
  };
}
