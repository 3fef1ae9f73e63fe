import path from 'node:path';
import { Option } from 'commander';
import type { WorkflowDefinition } from '@orkestra/domain';
import { WorkflowConfigError, bootstrapOrkestra, directorySource, formatIssue, loadWorkflowFrom } from '@orkestra/workflow-config';
import type { BootstrappedFile } from '@orkestra/workflow-config';
import type { CliContext, CommandModule } from '../../cli.js';
import { CliError } from '../../shell/cli-error.js';
import { EXIT } from '../../shell/exit-codes.js';
import { findRepository, hasUncommittedChanges } from './git-repository.js';
import { renderInitReport } from './init-report.js';
import type { InitReport } from './init-report.js';

/** `ork init [dir] [--force]`: bootstraps `.orkestra/` at the root of a git repository. */
export const initCommand: CommandModule = (program, context) => {
  program
    .command('init')
    .summary('set up .orkestra/ (flows, prompts, gate and setup scripts) in a git repository')
    .description(
      'Write the default .orkestra/ folder at the root of the git repository: workflow.yaml with the default flows, ' +
        'a prompt template per stage, the gate and setup scripts, and a README. Existing files are kept; only --force ' +
        "replaces ork's own templates. Commit and push the folder: the server reads it from the remote.",
    )
    .argument('[dir]', 'a directory of the repository (default: the current directory)')
    .addOption(new Option('--force', "bring ork's prompt templates and README back to the bundled versions (never workflow.yaml, ORKESTRA.md, the scripts or files you added)"))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  ork init                # in any directory of your repository',
        '  ork init ../shop        # another repository',
        '  ork init --force        # refresh the prompt templates after upgrading ork',
      ].join('\n'),
    )
    .action(async (dir: string | undefined, options: { force?: boolean }) => {
      await runInit(context, dir, options.force === true);
    });
};

async function runInit(context: CliContext, dir: string | undefined, force: boolean): Promise<void> {
  const repository = await findRepository(path.resolve(context.io.cwd, dir ?? '.'));
  let files: readonly BootstrappedFile[];
  try {
    ({ files } = await bootstrapOrkestra(repository.root, { force }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `could not set up .orkestra/ in ${repository.root}: ${reason}`,
      EXIT.internal,
      'Check that you may write there (permissions, a file where a folder belongs), then run `ork init` again; files already written stay.',
      { code: 'INIT.WRITE_FAILED' },
    );
  }
  const report: InitReport = {
    root: repository.root,
    force,
    files,
    workflow: await checkWorkflow(repository.root),
    uncommitted: await hasUncommittedChanges(repository.root),
    ...(repository.remote !== undefined && { remote: repository.remote }),
  };
  const { stdout, stderr } = context.io;
  renderInitReport(report, { json: context.globals().json, tty: stdout.isTTY === true, columns: stdout.columns }, stdout, stderr);
}

/** Loads the workflow as the server will (every referenced template checked): an edited file that kept its problems is shown now, not at the first Trak. */
async function checkWorkflow(root: string): Promise<InitReport['workflow']> {
  try {
    const workflow: WorkflowDefinition = await loadWorkflowFrom(directorySource(root));
    return { ok: true, flows: workflow.flows.map((flow) => ({ name: flow.name, stages: flow.stages.map((stage) => stage.name) })) };
  } catch (error) {
    if (!(error instanceof WorkflowConfigError)) throw error;
    return { ok: false, problems: error.issues.map((issue) => formatIssue(issue)), ...(error.omitted > 0 && { omitted: error.omitted }) };
  }
}
