export { TraksProjection, type TraksProjectionOptions } from './traks/traks.projection.js';
export { statusDetail, summarize, type TrakSummary } from './traks/trak-summary.js';
export { ProjectsProjection, type ProjectsProjectionOptions } from './projects/projects.projection.js';
export { UsersProjection, type UsersProjectionOptions } from './users/users.projection.js';
export { lookupApiToken, type ApiTokenHolder } from './users/api-token-lookup.js';
export { TimelineProjection, type TimelineProjectionOptions } from './timeline/timeline.projection.js';
export { timelineChanges } from './timeline/timeline-changes.js';
export { timelineOf, applyTimelineChanges, type Timeline, type TimelineRows, type PositionedTrakEvent } from './timeline/timeline-of.js';
export {
  AGENT_RUN_STATUSES,
  GATE_RUN_STATUSES,
  ITERATION_OUTCOMES,
  applyRowChanges,
  gateRunKey,
  iterationKey,
  runKey,
  type AgentRunStatus,
  type GateRunStatus,
  type IterationOutcome,
  type RowChange,
  type TimelineAgentRun,
  type TimelineChanges,
  type TimelineGateRun,
  type TimelineIteration,
} from './timeline/timeline-rows.js';
export { AGENT_RUNS_TABLE, GATE_RUNS_TABLE, ITERATIONS_TABLE, rowFrom, type TimelineTable } from './timeline/timeline-tables.js';
export { StreamFolder, type FoldedStream, type StreamFolderOptions } from './shared/stream-folder.js';
export { createReadModelClient, type ReadModelClient } from './read-model-client.js';
export type { AgentRunRow, ApiTokenRow, GateRunRow, ProjectMemberRow, ProjectRow, TrakIterationRow, TrakRow, UserRow } from './generated/prisma/client.js';
