export { runGate, gateEnvironment, GATE_OUTPUT_LIMIT } from './run-gate.js';
export type { GateRunOptions, GateRunResult } from './run-gate.js';
