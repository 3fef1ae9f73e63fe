import { Argument } from 'commander';
import type { Command } from 'commander';
import type { CommandModule } from '../cli.js';
import { BASH_INSTALL, bashScript } from './bash-script.js';
import { describeProgram } from './command-tree.js';
import { ZSH_INSTALL, zshScript } from './zsh-script.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript } as const;
type Shell = keyof typeof SCRIPTS;

/**
 * `ork completion bash|zsh`: prints a completion script generated from the program itself when
 * the command runs, so it covers every command registered by then, whoever added it.
 */
export const completionCommand: CommandModule = (program, context) => {
  program
    .command('completion')
    .summary('print the shell completion script for bash or zsh')
    .description("Print a completion script for ork's commands, subcommands and flags. Install it once (see below); generate it again after upgrading ork.")
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', ['', 'Install:', ...BASH_INSTALL.map((l) => `  ${l}`), ...ZSH_INSTALL.map((l) => `  ${l}`)].join('\n'))
    .action((shell: Shell, _options: unknown, command: Command) => {
      context.io.stdout.write(SCRIPTS[shell](describeProgram(rootOf(command))));
    });
};

const rootOf = (command: Command): Command => (command.parent === null ? command : rootOf(command.parent));
