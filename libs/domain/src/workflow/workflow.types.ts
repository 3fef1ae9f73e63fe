/**
 * What a flow is, independent of where it is loaded from. The loader in
 * `@orkestra/workflow-config` turns `.orkestra/workflow.yaml` into these types;
 * `TrakCreated` records the resolved definitions so a replay never reads today's yaml.
 */

/** The coding-agent CLI a stage runs, and the model passed to it (undefined: the CLI's default). */
export type AgentKind = 'claudecode' | 'opencode';

export interface AgentChoice {
  readonly kind: AgentKind;
  readonly model?: string;
}

/** A shell command run in the worktree after the agent produced its artifact. */
export interface ScriptGate {
  readonly kind: 'script';
  readonly command: string;
  readonly timeoutSeconds: number;
}

/** `gate: true`: the agent itself answers with an approve/reject verdict. */
export interface AgentGate {
  readonly kind: 'agent';
}

export type GateDefinition = ScriptGate | AgentGate;

export interface DisallowedTool {
  readonly pattern: string;
  readonly message?: string;
}

export interface StageDefinition {
  readonly name: string;
  /** Name of the stage's output artifact; unique in the flow. */
  readonly artifact: string;
  readonly description?: string;
  /** Prompt template file name, looked up under `.orkestra/agents/`. Defaults to `<name>.md`. */
  readonly prompt: string;
  /** The `model` value as written in the yaml, kept for display. */
  readonly model?: string;
  readonly agent: AgentChoice;
  readonly gate?: GateDefinition;
  /** Present when the stage may split the Trak into Subtraks; `flow` names the Subtraks' flow. */
  readonly subtasks?: { readonly flow: string };
  readonly disallowedTools: readonly DisallowedTool[];
  readonly schemaFile?: string;
  /** Gate failures, malformed outputs and agent crashes allowed in one pass before the Trak is Blocked. */
  readonly maxAttempts: number;
  /** Wall-clock limit of one agent run. */
  readonly agentTimeoutSeconds: number;
  /**
   * Labels a runner must have to run this stage (`runs_on` in the yaml), e.g. `['gpu']`. Absent
   * means any runner; so do flows recorded in `TrakCreated` before the field existed, which is
   * why it is optional rather than always a list: read it through {@link stageRunsOn}.
   */
  readonly runsOn?: readonly string[];
}

/** The runner labels a stage needs; none (any runner) when the stage, or the recorded flow, has no `runsOn`. */
export function stageRunsOn(stage: StageDefinition): readonly string[] {
  return stage.runsOn ?? [];
}

export interface FlowBudget {
  readonly maxCostUsd?: number;
  readonly maxTokens?: number;
}

export interface FlowIntegration {
  /** Stage that receives merge conflicts and update requests. */
  readonly onFailure: string;
  readonly autoMerge: boolean;
}

export interface FlowDefinition {
  readonly name: string;
  readonly stages: readonly StageDefinition[];
  readonly integration: FlowIntegration;
  readonly budget?: FlowBudget;
}

export interface WorkflowDefinition {
  readonly version: number;
  /** In file order; the first flow is the default for new Traks. */
  readonly flows: readonly FlowDefinition[];
  readonly vibe: { readonly prompt: string; readonly model?: string };
}

export const WORKFLOW_DEFAULTS = {
  version: 1,
  gateTimeoutSeconds: 300,
  maxAttempts: 5,
  agentTimeoutSeconds: 1800,
  vibePrompt: 'vibe.md',
  defaultFlow: 'default',
  subtaskFlow: 'default',
} as const;

/** Artifact names the runner writes itself under `.orkestra/.artifacts/`. */
export const RESERVED_ARTIFACT_NAMES: readonly string[] = ['activity_log', 'trak'];
