import { Option } from 'commander';
import type { CommandModule } from '../cli.js';
import { runRunner } from './run-runner.js';
import type { RunRunnerOptions } from './run-runner.js';
import { runnerSettings } from './runner-settings.js';
import type { RunnerFlags } from './runner-settings.js';

/**
 * `ork runner`: a runner on this machine that joins a team server over NATS and runs its jobs
 * until Ctrl-C. The runner app itself, configured as `node apps/runner/dist/main.js` is, with
 * flags over the `ORK_RUNNER_*` environment over the yaml file of `--config`.
 */
export const runnerCommand =
  (overrides: Pick<RunRunnerOptions, 'signals' | 'start'> = {}): CommandModule =>
  (program, context) => {
    program
      .command('runner')
      .description('Run a runner that joins a team server: it takes jobs from its NATS until Ctrl-C.')
      .addOption(new Option('--nats <url>', "the team server's NATS, e.g. nats://orkestra.example.com:4222 (ORK_RUNNER_NATS_URL)"))
      .addOption(new Option('--nats-user <user>', 'NATS user; `runner` on a team server from docker-compose.yml (ORK_RUNNER_NATS_USER)'))
      .addOption(new Option('--nats-password <password>', 'NATS password; prefer ORK_RUNNER_NATS_PASSWORD, which other users cannot see in the process list'))
      .addOption(new Option('--name <name>', 'how the team knows this runner; unique per team (ORK_RUNNER_NAME, default: the host name)'))
      .addOption(new Option('--labels <list>', 'what it offers, e.g. gpu,linux: it takes stages whose runs_on it has (ORK_RUNNER_LABELS)'))
      .addOption(new Option('--slots <n>', 'jobs it runs at once (ORK_RUNNER_SLOTS, default 2)'))
      .addOption(new Option('--data-dir <dir>', 'git mirrors, worktrees and agent temp files (ORK_RUNNER_DATA_DIR, default ~/.orkestra/runner)'))
      .addOption(new Option('--port <port>', '/health and /ready on 127.0.0.1; 0 for any free port (ORK_RUNNER_PORT, default 4103)'))
      .addOption(new Option('--drain-grace <seconds>', 'on Ctrl-C, how long running jobs may go on before they are handed back (ORK_RUNNER_DRAIN_GRACE_SECONDS, default 60)'))
      .addOption(new Option('--config <file>', 'yaml file of runner settings: projects, agent paths, … (ORK_RUNNER_CONFIG_FILE; docs/runner.md)'))
      .action(async (flags: RunnerFlags) => {
        const config = runnerSettings(flags, context.io.env);
        const code = await runRunner({ config, json: context.globals().json, write: (text) => context.io.stdout.write(text), ...overrides });
        context.setExitCode(code);
      });
  };
