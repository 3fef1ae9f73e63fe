export { TraksProjection, type TraksProjectionOptions } from './traks/traks.projection.js';
export { statusDetail, summarize, type TrakSummary } from './traks/trak-summary.js';
export { ProjectsProjection, type ProjectsProjectionOptions } from './projects/projects.projection.js';
export { UsersProjection, type UsersProjectionOptions } from './users/users.projection.js';
export { lookupApiToken, type ApiTokenHolder } from './users/api-token-lookup.js';
export { StreamFolder, type FoldedStream, type StreamFolderOptions } from './shared/stream-folder.js';
export { createReadModelClient, type ReadModelClient } from './read-model-client.js';
export type { ApiTokenRow, ProjectMemberRow, ProjectRow, TrakRow, UserRow } from './generated/prisma/client.js';
