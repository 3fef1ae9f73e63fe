import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { commandTools } from '../../shell/command-tools.js';
import { chooseProject } from '../project/project-choice.js';

const flowsSchema = z.object({
  flows: z.object({
    branch: z.string(),
    commit: z.string(),
    defaultFlow: z.string(),
    flows: z.array(
      z.object({
        name: z.string(),
        onFailure: z.string(),
        autoMerge: z.boolean(),
        stages: z.array(z.object({ name: z.string(), artifact: z.string(), agent: z.string(), model: z.string().nullable(), gate: z.string().nullable(), maxAttempts: z.number() })),
      }),
    ),
  }),
});

/** `ork flows`: the flows a project's workflow.yaml defines, validated as creating a Trak would. */
export const flowsCommand: CommandModule = (program, context) => {
  program
    .command('flows')
    .description("the flows of a project's .orkestra/workflow.yaml at the head of a branch (a broken file lists each problem)")
    .addOption(new Option('-p, --project <id>', 'the project (default: the only one you can see)'))
    .addOption(new Option('-b, --branch <branch>', "the branch to read (default: the project's base branch)"))
    .action((options: { project?: string; branch?: string }) => flows(context, options));
};

async function flows(context: CliContext, options: { project?: string; branch?: string }): Promise<void> {
  const { out, client } = commandTools(context);
  const api = await client();
  const project = await chooseProject(api, options.project);
  const { flows: found } = await api.request(
    'query($project: String!, $branch: String) { flows(project: $project, branch: $branch) { branch commit defaultFlow flows { name onFailure autoMerge stages { name artifact agent model gate maxAttempts } } } }',
    { project, branch: options.branch ?? null },
    flowsSchema,
  );
  out.result({ project, ...found }, () => [
    `Flows of ${out.colors.bold(project)} at ${found.branch} (${found.commit.slice(0, 10)}):`,
    out.table(
      ['FLOW', 'STAGES', 'ON FAILURE', 'AUTO MERGE'],
      found.flows.map((f) => [
        f.name === found.defaultFlow ? `${out.colors.bold(f.name)} ${out.colors.dim('(default)')}` : f.name,
        f.stages.map((s) => (s.gate === null ? s.name : `${s.name} [${s.gate} gate]`)).join(' → '),
        f.onFailure,
        f.autoMerge ? 'yes' : 'no',
      ]),
    ),
  ]);
}
