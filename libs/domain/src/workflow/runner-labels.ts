import type { AgentKind } from './workflow.types.js';

/**
 * What a runner label may look like: a letter or digit, then letters, digits, `-` or `_`, at most
 * 32 in all. Labels name the queues runners read, so they keep to characters every subject and
 * consumer name takes.
 */
export const RUNNER_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** Says what a label must look like, for messages that refuse one. */
export const RUNNER_LABEL_RULE = 'a letter or digit, then letters, digits, "-" or "_", at most 32 in all';

/**
 * Labels one runner may have. A runner reads one queue per subset of its labels, so each label
 * more doubles its queues: four make sixteen.
 */
export const MAX_RUNNER_LABELS = 4;

/**
 * A set of labels in the one form everything compares and routes by: lower case (`GPU` and `gpu`
 * are one label), without repeats, sorted.
 */
export function canonicalLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.toLowerCase()))].sort();
}

/** What a runner in the registry can take: jobs needing a subset of its labels, agent runs for its CLIs. */
export interface RunnerCapabilities {
  readonly name: string;
  readonly labels: readonly string[];
  readonly agents: readonly AgentKind[];
}

/** What a job needs of the runner that takes it. */
export interface RunnerRequirement {
  /** Canonical labels; none: any runner. */
  readonly labels: readonly string[];
  /** The agent CLI, for an agent run. */
  readonly agent?: AgentKind;
}

/** Whether the runner has every label the job needs (and its agent CLI, for an agent run). */
export function canTake(runner: RunnerCapabilities, requirement: RunnerRequirement): boolean {
  const has = new Set(canonicalLabels(runner.labels));
  if (!canonicalLabels(requirement.labels).every((label) => has.has(label))) return false;
  return requirement.agent === undefined || runner.agents.includes(requirement.agent);
}
