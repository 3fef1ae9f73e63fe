import type { FlowDefinition, WorkflowDefinition } from '@orkestra/domain';

export class UnknownFlowError extends Error {
  override readonly name = 'UnknownFlowError';
  readonly code = 'WORKFLOW.UNKNOWN_FLOW' as const;

  constructor(
    readonly flowName: string,
    readonly knownFlows: readonly string[],
  ) {
    super(`unknown flow "${flowName}" (flows: ${knownFlows.join(', ')})`);
  }
}

/** The named flow, or the first one in the file when no name is given (the default for new Traks). */
export function findFlow(workflow: WorkflowDefinition, name?: string): FlowDefinition {
  const flow = name === undefined ? workflow.flows[0] : workflow.flows.find((f) => f.name === name);
  if (flow === undefined) throw new UnknownFlowError(name ?? '(default)', workflow.flows.map((f) => f.name));
  return flow;
}

export interface FlowBundle {
  readonly flow: FlowDefinition;
  /** Every flow a Subtrak of this flow may run, transitively, keyed by name. */
  readonly subtaskFlows: Readonly<Record<string, FlowDefinition>>;
}

/**
 * The flow plus every flow reachable through `capabilities.subtasks.flow`, so a Trak can carry
 * all definitions it may need. The flow itself appears in `subtaskFlows` only when some
 * reachable stage (possibly its own) names it.
 */
export function resolveFlowBundle(workflow: WorkflowDefinition, flowName: string): FlowBundle {
  const flow = findFlow(workflow, flowName);
  const reached = new Map<string, FlowDefinition>();
  const pending: FlowDefinition[] = [flow];
  for (let current = pending.shift(); current !== undefined; current = pending.shift()) {
    for (const stage of current.stages) {
      const target = stage.subtasks?.flow;
      if (target === undefined || reached.has(target)) continue;
      const next = findFlow(workflow, target);
      reached.set(target, next);
      pending.push(next);
    }
  }
  return { flow, subtaskFlows: Object.fromEntries(reached) };
}
