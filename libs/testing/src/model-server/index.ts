export { startModelServer, SESSION_HEADERS, type ModelServer, type ModelServerOptions, type ModelRequestRecord } from './server.js';
export type { ModelScript, ModelProtocol, ScriptTurn, ScriptTurnObject, ScriptToolUse, ScriptToolCall, ScriptError } from './script.js';
export type { SseEvent } from './render.js';
export { agentSandbox, OPENCODE_MODEL, type AgentSandbox } from './agent-sandbox.js';
