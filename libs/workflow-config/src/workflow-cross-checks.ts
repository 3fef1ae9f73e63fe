import { WORKFLOW_DEFAULTS } from '@orkestra/domain';
import type { IssuePath } from './yaml-locator.js';

export interface PathIssue {
  readonly path: IssuePath;
  readonly message: string;
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * Rules that relate fields to each other: unique stage and artifact names, `on_failure` and
 * subtask flow references, and no agentic gate on a subtask-producing stage. Reads the raw
 * YAML data defensively so these problems are reported together with the schema's own,
 * even when other parts of the file are malformed.
 */
export function crossCheckWorkflow(data: unknown): PathIssue[] {
  if (!isObj(data) || !isObj(data['flows'])) return [];
  const flows = data['flows'];
  const flowNames = Object.keys(flows);
  const issues: PathIssue[] = [];
  for (const [flowName, flow] of Object.entries(flows)) {
    if (!isObj(flow)) continue;
    const base = ['flows', flowName];
    const stages = Array.isArray(flow['stages']) ? (flow['stages'] as unknown[]) : [];
    issues.push(...checkUniqueNames(base, stages), ...checkUniqueArtifacts(base, stages));
    stages.forEach((stage, index) => {
      if (isObj(stage)) issues.push(...checkStageCapabilities([...base, 'stages', index], stage, flowNames));
    });
    issues.push(...checkOnFailure(base, flowName, flow, stages));
  }
  return issues;
}

function checkUniqueNames(base: IssuePath, stages: unknown[]): PathIssue[] {
  const seen = new Map<string, number>();
  const issues: PathIssue[] = [];
  stages.forEach((stage, index) => {
    const name = isObj(stage) ? str(stage['name']) : undefined;
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else issues.push({ path: [...base, 'stages', index, 'name'], message: `"${name}" is already the name of stages[${first}]` });
  });
  return issues;
}

function checkUniqueArtifacts(base: IssuePath, stages: unknown[]): PathIssue[] {
  const seen = new Map<string, number>();
  const issues: PathIssue[] = [];
  stages.forEach((stage, index) => {
    if (!isObj(stage)) return;
    const raw = stage['artifact'];
    const name = isObj(raw) ? str(raw['name']) : str(raw);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else {
      const path = isObj(raw) ? [...base, 'stages', index, 'artifact', 'name'] : [...base, 'stages', index, 'artifact'];
      issues.push({ path, message: `"${name}" is already the artifact of stages[${first}]` });
    }
  });
  return issues;
}

function checkStageCapabilities(path: IssuePath, stage: Obj, flowNames: string[]): PathIssue[] {
  const capabilities = stage['capabilities'];
  if (!isObj(capabilities) || !('subtasks' in capabilities)) return [];
  const subtasks = capabilities['subtasks'];
  if (subtasks !== null && !isObj(subtasks)) return [];
  const issues: PathIssue[] = [];
  const written = isObj(subtasks) ? subtasks['flow'] : undefined;
  const known = flowNames.join(', ');
  if (written === undefined) {
    const fallback = WORKFLOW_DEFAULTS.subtaskFlow;
    if (!flowNames.includes(fallback)) {
      issues.push({
        path: [...path, 'capabilities', 'subtasks'],
        message: `has no flow, and the default subtask flow "${fallback}" does not exist (flows: ${known})`,
      });
    }
  } else if (str(written) !== undefined && !flowNames.includes(written as string)) {
    issues.push({ path: [...path, 'capabilities', 'subtasks', 'flow'], message: `names unknown flow "${String(written)}" (flows: ${known})` });
  }
  if (stage['gate'] === true) {
    // Its output is a subtask list for the runner to split, not a verdict: the two outputs would conflict.
    issues.push({ path: [...path, 'gate'], message: 'must not be true on a stage with capabilities.subtasks' });
  }
  return issues;
}

function checkOnFailure(base: IssuePath, flowName: string, flow: Obj, stages: unknown[]): PathIssue[] {
  const integration = flow['integration'];
  const target = isObj(integration) ? str(integration['on_failure']) : undefined;
  if (target === undefined) return [];
  const names = [...new Set(stages.map((stage) => (isObj(stage) ? str(stage['name']) : undefined)).filter((n) => n !== undefined))];
  // With no named stages the flow itself is already reported; one message is enough.
  if (names.length === 0 || names.includes(target)) return [];
  return [
    {
      path: [...base, 'integration', 'on_failure'],
      message: `names "${target}", which is not a stage of flow "${flowName}" (stages: ${names.join(', ')})`,
    },
  ];
}
