export { runProcess, ProcessSpawnError, isProcessSpawnError } from './run-process.js';
export type { RunProcessOptions, ProcessResult, OutputStream } from './run-process.js';
export { killProcessGroup } from './process-group.js';
export type { ProcessRecorder } from './process-group.js';
