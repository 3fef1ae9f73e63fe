export { MALFORMED_REASON_LIMIT, MalformedMessageError, parseMessage, parseMessageData } from './parse-message.js';
export { mirror, type Mirrors } from './mirror.js';
export * from './bus.topology.js';
export { labelPool, labelSubsets } from './runner-pools.js';
export {
  agentFailureReasonSchema,
  agentKindSchema,
  agentOutputSchema,
  artifactRecordSchema,
  resourceSchema,
  siblingSummarySchema,
  stageDefinitionSchema,
  triggerSchema,
  usageSchema,
} from './trak-values.contract.js';
export { agentRunJobSchema, gateRunJobSchema, integrationJobSchema, jobSchema, projectRepositorySchema, repoRefSchema } from './jobs.contract.js';
export { jobResultSchema, storedJobResultSchema } from './job-results.contract.js';
export { publishedEventSchema, type PublishedEvent } from './published-event.contract.js';
export { diskReportSchema, projectDiskUsageSchema, runnerEntrySchema, type DiskReport, type ProjectDiskUsage, type RunnerEntry } from './runner-registry.contract.js';
export { jobCancelSchema, type JobCancel } from './job-cancel.contract.js';
export { logLineSchema, type LogLine } from './log-line.contract.js';
export { CORRELATION_HEADER, correlationHeaders, correlationIdOf, correlationIdSchema } from './correlation.contract.js';
