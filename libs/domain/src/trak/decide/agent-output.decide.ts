import type { TrakEvent } from '../trak.events.js';
import type { StateOf, TrakRecord } from '../trak.state.js';
import { advance, earlierStages, failAttempt, queueStage, stageDefinition } from '../trak.rules.js';
import type { AgentOutput, ProposedSubtrak } from '../trak.values.js';
import { autoAnswer } from './questions.decide.js';

type Running = StateOf<'AgentRunning'>;

/**
 * What an agent's structured output does to the stage (ORKESTRA-SPEC §3.3). An output type
 * the stage does not allow, a `route_to` that is not an earlier stage, or unusable Subtrak
 * dependencies count as malformed output, like prose without a structured block.
 */
export function decideOutput(running: Running, output: AgentOutput, runId: string, now: string): TrakEvent[] {
  const { trak, current } = running;
  const stage = stageDefinition(trak, current.stage);
  const ref = { stage: current.stage, iteration: current.iteration, at: now };
  const kind = stage.gate?.kind === 'agent' ? 'verdict' : stage.subtasks !== undefined ? 'subtasks' : 'artifact';
  const extras = { resources: 'resources' in output ? (output.resources ?? []) : [], ...activityLogOf(output) };

  switch (output.type) {
    case 'malformed':
      return malformed(running, runId, output.error, now);
    case 'failed':
      return [{ type: 'TrakFailed', data: { stage: current.stage, error: `The agent reported a failure: ${output.error}`, at: now } }];
    case 'blocked':
      return [{ type: 'TrakBlocked', data: { stage: current.stage, reason: 'AgentBlocked', detail: output.reason, at: now } }];
    case 'questions':
      if (output.questions.length === 0) return malformed(running, runId, 'questions output must ask at least one question', now);
      return [{ type: 'QuestionsAsked', data: { ...ref, questions: output.questions } }, ...autoAnswer(trak, current, output.questions, now)];
    case 'artifact': {
      if (kind !== 'artifact') return malformed(running, runId, `this stage answers with ${expected(kind)}, not "${stage.artifact}"`, now);
      const awaiting = stage.gate?.kind === 'script' ? 'gate' : 'approval';
      const produced: TrakEvent = { type: 'ArtifactProduced', data: { ...ref, ...extras, name: stage.artifact, content: output.content, awaiting } };
      return [produced, ...(awaiting === 'approval' ? autoApprove(trak, running, undefined, now) : [])];
    }
    case 'approval': {
      if (kind !== 'verdict') return malformed(running, runId, `this stage answers with ${expected(kind)}, not an approval`, now);
      if (output.decision === 'approve') {
        const produced: TrakEvent = { type: 'ArtifactProduced', data: { ...ref, ...extras, name: stage.artifact, content: output.content, awaiting: 'approval' } };
        return [produced, ...autoApprove(trak, running, undefined, now)];
      }
      const earlier = earlierStages(trak, current.stage);
      if (output.routeTo !== undefined && !earlier.includes(output.routeTo)) {
        const options = earlier.length === 0 ? 'none' : earlier.join(', ');
        return malformed(running, runId, `route_to "${output.routeTo}" must name an earlier stage (${options})`, now);
      }
      const target = output.routeTo ?? earlier[earlier.length - 1] ?? current.stage;
      const proposed: TrakEvent = { type: 'RejectionProposed', data: { ...ref, target, feedback: output.content } };
      if (!trak.autoMode) return [proposed];
      return [
        proposed,
        { type: 'RejectionConfirmed', data: { ...ref, target, feedback: output.content, auto: true } },
        queueStage(trak, target, { kind: 'rejection', fromStage: current.stage, feedback: output.content }, now),
      ];
    }
    case 'subtasks': {
      if (kind !== 'subtasks') return malformed(running, runId, `this stage answers with ${expected(kind)}, not subtasks`, now);
      const problem = subtrakProblem(output.subtasks);
      if (problem !== undefined) return malformed(running, runId, problem, now);
      if (output.subtasks.length === 1) {
        const only = output.subtasks[0]!;
        const content = `${output.content}\n\n---\n\n## Implementation Instructions\n\n${only.detailedInstructions}`;
        const produced: TrakEvent = { type: 'ArtifactProduced', data: { ...ref, ...extras, name: stage.artifact, content, awaiting: 'approval' } };
        return [produced, ...autoApprove(trak, running, undefined, now)];
      }
      const proposed: TrakEvent = { type: 'SubtraksProposed', data: { ...ref, ...extras, content: output.content, subtraks: output.subtasks } };
      return [proposed, ...autoApprove(trak, running, output.subtasks, now)];
    }
  }
}

/** In auto mode an output that would wait for a human is approved at once. */
function autoApprove(trak: TrakRecord, running: Running, proposal: readonly ProposedSubtrak[] | undefined, now: string): TrakEvent[] {
  if (!trak.autoMode) return [];
  const { current } = running;
  return [
    { type: 'StageApproved', data: { stage: current.stage, iteration: current.iteration, by: 'auto', forced: false, at: now } },
    ...advance(trak, current, proposal, now),
  ];
}

function malformed(running: Running, runId: string, error: string, now: string): TrakEvent[] {
  const { trak, current } = running;
  const maxAttempts = stageDefinition(trak, current.stage).maxAttempts;
  const attempt = current.attempts + 1;
  return [
    { type: 'OutputMalformed', data: { stage: current.stage, iteration: current.iteration, runId, error, attempt, maxAttempts, at: now } },
    ...failAttempt(trak, current, { kind: 'malformed_output', error, attempt, maxAttempts }, now, {
      backoff: false,
      summary: `malformed output: ${error}`,
    }),
  ];
}

function expected(kind: 'verdict' | 'subtasks' | 'artifact'): string {
  return kind === 'verdict' ? 'an approval verdict' : kind === 'subtasks' ? 'subtasks' : 'its artifact';
}

function activityLogOf(output: AgentOutput): { activityLog?: string } {
  return 'activityLog' in output && output.activityLog !== undefined ? { activityLog: output.activityLog } : {};
}

/** Subtraks need at least one entry, a title and instructions each, dependency indices that exist, and no cycles (a cycle would wait for ever). */
export function subtrakProblem(subtraks: readonly ProposedSubtrak[]): string | undefined {
  if (subtraks.length === 0) return 'subtasks output must propose at least one subtask';
  for (const [i, s] of subtraks.entries()) {
    if (s.title.trim() === '') return `subtasks[${i}].title must not be blank`;
    if (s.detailedInstructions.trim() === '') return `subtasks[${i}].detailed_instructions must not be blank`;
    for (const d of s.dependsOn) {
      if (!Number.isInteger(d) || d < 0 || d >= subtraks.length) return `subtasks[${i}].depends_on refers to ${d}, which is not a subtask index (0–${subtraks.length - 1})`;
      if (d === i) return `subtasks[${i}] depends on itself`;
    }
  }
  const done = new Set<number>();
  while (done.size < subtraks.length) {
    const ready = subtraks.findIndex((s, i) => !done.has(i) && s.dependsOn.every((d) => done.has(d)));
    if (ready === -1) {
      const cycle = subtraks.map((_, i) => i).filter((i) => !done.has(i));
      return `subtasks ${cycle.join(', ')} depend on each other in a cycle`;
    }
    done.add(ready);
  }
  return undefined;
}
