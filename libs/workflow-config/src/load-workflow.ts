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
