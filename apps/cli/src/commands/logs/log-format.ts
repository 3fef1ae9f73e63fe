import { z } from 'zod';
import type { Colors } from '../../shell/output.js';

export const LOG_LINE_FIELDS = 'cursor at jobId jobKind attempt seq kind stage iteration text data';

export const logLineSchema = z.object({
  cursor: z.string(),
  at: z.string(),
  jobId: z.string(),
  jobKind: z.string(),
  attempt: z.number(),
  seq: z.number(),
  kind: z.string(),
  stage: z.string().nullable(),
  iteration: z.number().nullable(),
  text: z.string().nullable(),
  data: z.unknown(),
});

export type LogLine = z.infer<typeof logLineSchema>;

const toolUseSchema = z.object({ tool: z.string(), input: z.record(z.string(), z.unknown()).optional() }).loose();
const usageSchema = z.object({ usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).loose() }).loose();
const toolResultSchema = z.object({ isError: z.boolean() }).loose();
const sessionSchema = z.object({ sessionId: z.string() }).loose();

/** The input of a tool call worth showing on one line: the file, the command, the pattern. */
function toolTarget(input: Record<string, unknown> | undefined): string {
  for (const key of ['file_path', 'path', 'command', 'pattern', 'url', 'description']) {
    const value = input?.[key];
    if (typeof value === 'string' && value !== '') return value.split('\n')[0]!;
  }
  return '';
}

/** A log line for people: `work#1 │ Planning.`, `work#1 │ → Write src/health.ts`, gate output as printed. */
export function formatLogLine(line: LogLine, c: Colors): string {
  const where = c.dim(`${line.stage ?? line.jobKind}${line.iteration === null ? '' : `#${line.iteration}`}${line.jobKind === 'gate-run' ? ' gate' : ''} │`);
  const body = (): string => {
    switch (line.kind) {
      case 'text':
      case 'gate_output':
        return line.text ?? '';
      case 'error':
        return c.red(line.text ?? 'error');
      case 'tool_use': {
        const tool = toolUseSchema.safeParse(line.data);
        return tool.success ? c.cyan(`→ ${tool.data.tool} ${toolTarget(tool.data.input)}`.trimEnd()) : c.cyan('→ tool');
      }
      case 'tool_result':
        return toolResultSchema.safeParse(line.data).data?.isError === true ? c.red('← tool failed') : c.dim('← tool result');
      case 'usage': {
        const usage = usageSchema.safeParse(line.data);
        return c.dim(usage.success ? `tokens: ${usage.data.usage.inputTokens} in, ${usage.data.usage.outputTokens} out` : 'usage');
      }
      case 'session': {
        const session = sessionSchema.safeParse(line.data);
        return c.dim(session.success ? `session ${session.data.sessionId}` : 'session');
      }
      default:
        return c.dim(line.kind);
    }
  };
  const text = body();
  return text.includes('\n') ? text.split('\n').map((part) => `${where} ${part}`).join('\n') : `${where} ${text}`;
}
