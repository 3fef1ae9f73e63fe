export { TraksProjection, type TraksProjectionOptions } from './traks/traks.projection.js';
export { summarize, type TrakSummary } from './traks/trak-summary.js';
export { createReadModelClient, type ReadModelClient } from './read-model-client.js';
export type { TrakRow } from './generated/prisma/client.js';
