import { jobRefOf } from '@orkestra/domain';
import type { FlowDefinition, JobRef } from '@orkestra/domain';
import type { LogLine as WireLine } from '@orkestra/contracts';
import type { LogLine } from './log-line.model.js';

/** `ork.log.<trakId>.<jobId>` (namespace already stripped by the bus): the job the line belongs to. */
export function jobOfSubject(subject: string): { readonly jobId: string; readonly ref: JobRef } | undefined {
  const [, , , jobId] = subject.split('.');
  const ref = jobId === undefined ? undefined : jobRefOf(jobId);
  return ref === undefined ? undefined : { jobId: jobId!, ref };
}

/** The GraphQL view of a line; the stage is named from the flow the Trak recorded. */
export function logLineView(cursor: number, jobId: string, ref: JobRef, line: WireLine, flow: FlowDefinition | undefined): LogLine {
  const stage = ref.kind === 'integration' || flow === undefined ? undefined : flow.stages[ref.stageIndex]?.name;
  const text = 'text' in line ? line.text : line.kind === 'error' ? line.message : line.kind === 'tool_result' ? line.output : undefined;
  return {
    cursor: String(cursor),
    jobId,
    jobKind: ref.kind,
    ...(stage !== undefined && { stage }),
    ...(ref.kind !== 'integration' && { iteration: ref.iteration }),
    attempt: line.attempt,
    seq: line.seq,
    at: line.at,
    kind: line.kind,
    ...(text !== undefined && { text }),
    data: line as unknown as Record<string, unknown>,
  };
}

/** The index of a stage in the flow (what job ids carry), or undefined when the flow has no such stage. */
export function stageIndexOf(flow: FlowDefinition, stage: string): number | undefined {
  const index = flow.stages.findIndex((s) => s.name === stage);
  return index === -1 ? undefined : index;
}

