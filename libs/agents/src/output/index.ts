export { outputSchema, compactSchema, allowedOutputTypes } from './output-schema.js';
export type { JsonSchema } from './output-schema.js';
export { parseAgentOutput, toAgentOutput } from './parse-agent-output.js';
export type { RawAgentAnswer, ParsedAgentOutput } from './parse-agent-output.js';
