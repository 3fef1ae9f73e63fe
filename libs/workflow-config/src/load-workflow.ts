import type { WorkflowDefinition } from '@orkestra/domain';
import { directorySource } from './directory-source.js';
import { MAX_WORKFLOW_BYTES, parseWorkflow, tooLarge } from './parse-workflow.js';
import { AGENTS_DIR, SCHEMAS_DIR } from './referenced-files.js';
import { WorkflowConfigError } from './workflow-config.error.js';

/** Where the workflow lives, relative to the project root; also the label used in errors. */
export const WORKFLOW_FILE = '.orkestra/workflow.yaml';

/**
 * The files of a project as the loader needs them: a directory on disk, or one commit of a bare
 * repository (`gitTreeSource` in `@orkestra/git`). Paths are relative to the project root and
 * separated by `/`.
 */
export interface WorkflowSource {
  /** Where the files are, for messages: `main at 1a2b3c4d5e6f`, `/srv/checkout`. */
  readonly label: string;
  /** The file's size in bytes, or undefined when there is no such file. Asked first, so an oversized file is never read. */
  fileSize(path: string): Promise<number | undefined>;
  /** The file's text (UTF-8), or undefined when there is no such file. */
  readFile(path: string): Promise<string | undefined>;
  /** Names of the files directly in `dir`, or none when there is no such directory. */
  listFiles(dir: string): Promise<string[]>;
  /** Where `path` would be, when that says more than the label (an absolute path on disk). */
  where?(path: string): string;
}

export interface LoadWorkflowOptions {
  /**
   * Whether every stage's prompt template (in `.orkestra/agents/`) and schema file (in
   * `.orkestra/schemas/`) must exist. Default true: a missing one would only fail the stage's first run.
   */
  readonly checkFiles?: boolean;
}

/**
 * Reads and validates `.orkestra/workflow.yaml` from `source`, with the prompt templates and
 * schema files it names. Throws a `WorkflowConfigError` listing every problem, including a
 * missing or oversized file; errors of the source itself (git or disk failing) pass through.
 */
export async function loadWorkflowFrom(source: WorkflowSource, options: LoadWorkflowOptions = {}): Promise<WorkflowDefinition> {
  const size = await source.fileSize(WORKFLOW_FILE);
  if (size === undefined) throw missing(source);
  if (size > MAX_WORKFLOW_BYTES) throw WorkflowConfigError.forFile(WORKFLOW_FILE, `${tooLarge(size, MAX_WORKFLOW_BYTES)} (at ${describe(source)})`);

  const checkFiles = options.checkFiles ?? true;
  const [text, agents, schemas] = await Promise.all([
    source.readFile(WORKFLOW_FILE),
    checkFiles ? source.listFiles(AGENTS_DIR) : [],
    checkFiles ? source.listFiles(SCHEMAS_DIR) : [],
  ]);
  if (text === undefined) throw missing(source);
  return parseWorkflow(text, WORKFLOW_FILE, checkFiles ? { files: { agents, schemas } } : {});
}

/**
 * Reads and validates `<projectRoot>/.orkestra/workflow.yaml` from a checkout. A missing file is
 * an error, not a default. Prompt templates and schema files are only checked when asked, as
 * before this loader could list them.
 */
export function loadWorkflow(projectRoot: string, options: LoadWorkflowOptions = { checkFiles: false }): Promise<WorkflowDefinition> {
  return loadWorkflowFrom(directorySource(projectRoot), options);
}

function describe(source: WorkflowSource): string {
  const where = source.where?.(WORKFLOW_FILE);
  return where === undefined ? source.label : `${source.label} (${where})`;
}

function missing(source: WorkflowSource): WorkflowConfigError {
  return WorkflowConfigError.forFile(
    WORKFLOW_FILE,
    `does not exist at ${describe(source)}; run \`ork init\` in a checkout of the project, then commit and push \`.orkestra/\``,
  );
}
