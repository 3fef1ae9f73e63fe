export { parseWorkflow } from './parse-workflow.js';
export { loadWorkflow, loadWorkflowFrom, WORKFLOW_FILE } from './load-workflow.js';
export { findFlow, resolveFlowBundle, UnknownFlowError } from './find-flow.js';
export type { FlowBundle } from './find-flow.js';
export { WorkflowConfigError, WORKFLOW_INVALID, formatIssue } from './workflow-config.error.js';
export type { WorkflowConfigIssue } from './workflow-config.error.js';
export { bootstrapOrkestra, templatesDir } from './bootstrap-orkestra.js';
export type { BootstrapResult } from './bootstrap-orkestra.js';
