export { TraksProjection, type TraksProjectionOptions } from './traks/traks.projection.js';
export { summarize, type TrakSummary } from './traks/trak-summary.js';
