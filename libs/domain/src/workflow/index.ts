export * from './workflow.types.js';
export * from './agent-choice.js';
export * from './runner-labels.js';
