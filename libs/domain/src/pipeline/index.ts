export * from './pipeline.types.js';
export { decidePipeline, DEADLINE_GRACE_MS } from './pipeline.decide.js';
export { agentRunJob, currentJobId, gateRunJob, integrationJob, jobRequirement, jobRunsOn, outputContract } from './pipeline.jobs.js';
export * from './dispatch-policy.js';
export { TRAK_END_EVENTS, sendLostJobAgain, traksToReplay } from './pipeline.recovery.js';
