export * from './workflow.types.js';
export * from './agent-choice.js';
