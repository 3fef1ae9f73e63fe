import { WORKFLOW_DEFAULTS, resolveAgentChoice } from '@orkestra/domain';
import type { AgentChoice, FlowDefinition, GateDefinition, StageDefinition, WorkflowDefinition } from '@orkestra/domain';
import type { RawFlow, RawStage, RawWorkflow } from './workflow.schema.js';

/**
 * Maps the validated snake_case data to the domain's camelCase definitions. Only called once
 * validation found nothing, so the agent lookups here cannot fail. Optional fields are left
 * out rather than set to undefined, so the result compares cleanly and serialises small.
 */
export function toWorkflowDefinition(raw: RawWorkflow): WorkflowDefinition {
  return {
    version: raw.version,
    flows: Object.entries(raw.flows).map(([name, flow]) => toFlow(name, flow)),
    vibe: { prompt: raw.vibe.prompt, ...(raw.vibe.model !== undefined && { model: raw.vibe.model }) },
  };
}

function toFlow(name: string, raw: RawFlow): FlowDefinition {
  const budget = raw.budget && {
    ...(raw.budget.max_cost_usd !== undefined && { maxCostUsd: raw.budget.max_cost_usd }),
    ...(raw.budget.max_tokens !== undefined && { maxTokens: raw.budget.max_tokens }),
  };
  return {
    name,
    stages: raw.stages.map(toStage),
    integration: { onFailure: raw.integration.on_failure, autoMerge: raw.integration.auto_merge },
    ...(budget !== undefined && { budget }),
  };
}

function toStage(raw: RawStage): StageDefinition {
  const artifact = typeof raw.artifact === 'string' ? raw.artifact : raw.artifact.name;
  const gate = toGate(raw.gate);
  const subtasks = raw.capabilities?.subtasks;
  return {
    name: raw.name,
    artifact,
    ...(raw.description !== undefined && { description: raw.description }),
    prompt: raw.prompt ?? `${raw.name}.md`,
    ...(raw.model !== undefined && { model: raw.model }),
    agent: agentFor(raw.model),
    ...(gate !== undefined && { gate }),
    ...(subtasks !== undefined && { subtasks: { flow: subtasks?.flow ?? WORKFLOW_DEFAULTS.subtaskFlow } }),
    disallowedTools: raw.disallowed_tools.map((tool) => ({
      pattern: tool.pattern,
      ...(tool.message !== undefined && { message: tool.message }),
    })),
    ...(raw.schema_file !== undefined && { schemaFile: raw.schema_file }),
    maxAttempts: raw.max_attempts,
    agentTimeoutSeconds: raw.agent_timeout_seconds,
    ...(raw.runs_on !== undefined && { runsOn: raw.runs_on }),
  };
}

function toGate(raw: RawStage['gate']): GateDefinition | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { kind: 'agent' };
  return { kind: 'script', command: raw.command, timeoutSeconds: raw.timeout_seconds };
}

function agentFor(model: string | undefined): AgentChoice {
  const choice = resolveAgentChoice(model);
  if (!choice.ok) throw new Error(`unreachable: model "${model}" passed validation but does not resolve`);
  return choice.agent;
}
