import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowDefinition } from '@orkestra/domain';
import { parseWorkflow } from './parse-workflow.js';
import { WorkflowConfigError } from './workflow-config.error.js';

/** Where the workflow lives, relative to the project root; also the label used in errors. */
export const WORKFLOW_FILE = '.orkestra/workflow.yaml';

/** Reads and validates `<projectRoot>/.orkestra/workflow.yaml`. A missing file is an error, not a default. */
export async function loadWorkflow(projectRoot: string): Promise<WorkflowDefinition> {
  const absolute = path.join(projectRoot, ...WORKFLOW_FILE.split('/'));
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `does not exist (looked for ${absolute}; bootstrap the project to create the default)`
        : `cannot be read (${absolute}): ${(error as Error).message}`;
    throw WorkflowConfigError.forFile(WORKFLOW_FILE, reason);
  }
  return parseWorkflow(text, WORKFLOW_FILE);
}

/** Reads and validates `.orkestra/workflow.yaml` from any source of files, e.g. a commit of a bare mirror. */
export async function loadWorkflowFrom(source: { readonly label: string; readFile(file: string): Promise<string | undefined> }): Promise<WorkflowDefinition> {
  const text = await source.readFile(WORKFLOW_FILE);
  if (text === undefined) {
    throw WorkflowConfigError.forFile(WORKFLOW_FILE, `does not exist at ${source.label}; commit the default \`.orkestra/\` (bootstrap the project) to the branch`);
  }
  return parseWorkflow(text, WORKFLOW_FILE);
}
