export * from './process/index.js';
export * from './output/index.js';
export * from './prompt/index.js';
export * from './gate/index.js';
export * from './adapters/agent.types.js';
export { claudeCodeAdapter } from './adapters/claude-code.adapter.js';
export { openCodeAdapter } from './adapters/opencode.adapter.js';
export { runAgent, DEFAULT_STALL_TIMEOUT_MS, type RunAgentOptions } from './adapters/run-agent.js';
export * from './agent-run/execute-agent-run.js';
