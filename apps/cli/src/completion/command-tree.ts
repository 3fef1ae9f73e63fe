import type { Command, Option } from 'commander';

/** One flag as the shell completes it. */
export interface CompletionOption {
  /** `-f` and/or `--flow`, as accepted on the command line. */
  readonly names: readonly string[];
  /** Whether the next word is its value (`--flow <name>`); an optional value (`[x]`) counts. */
  readonly takesValue: boolean;
  /** The values it accepts, when the option lists them. */
  readonly choices: readonly string[];
  readonly description: string;
}

/** A command of the program with everything the completion scripts need, read from commander. */
export interface CompletionCommand {
  /** From the program down, e.g. `['ork', 'trak', 'create']`. */
  readonly path: readonly string[];
  /** Its name first, then its aliases. */
  readonly names: readonly string[];
  readonly description: string;
  /** Its own options, the help flag included. */
  readonly options: readonly CompletionOption[];
  /** Options of the commands above it, which commander also accepts after the subcommand (`ork init --json`). */
  readonly inherited: readonly CompletionOption[];
  /** Per positional argument, the values it accepts (empty: anything, e.g. a Trak id or a path). */
  readonly argumentChoices: readonly (readonly string[])[];
  readonly subcommands: readonly CompletionCommand[];
}

/**
 * Reads the program as commander's own help sees it (hidden commands and options stay hidden,
 * the implicit `help` command and `-h, --help` are in), so completion offers exactly what
 * `--help` shows, for every command anyone registered.
 */
export function describeProgram(program: Command): CompletionCommand {
  return describe(program, [], []);
}

function describe(command: Command, parentPath: readonly string[], inherited: readonly CompletionOption[]): CompletionCommand {
  const help = command.createHelp();
  const path = [...parentPath, command.name()];
  const options = help.visibleOptions(command).map(toOption);
  const visible = help.visibleCommands(command);
  const siblingNames = visible.filter((sub) => sub.name() !== 'help').map((sub) => sub.name());
  return {
    path,
    names: [command.name(), ...command.aliases()],
    description: firstLine(command.summary() || command.description()),
    options,
    inherited,
    argumentChoices: command.registeredArguments.map((argument) => argument.argChoices ?? []),
    subcommands: visible.map((sub) => {
      const described = describe(sub, path, [...inherited, ...options]);
      // Commander's own `help [command]` (not registered in `commands`) takes the name of a sibling.
      return command.commands.includes(sub) ? described : { ...described, argumentChoices: [siblingNames] };
    }),
  };
}

function toOption(option: Option): CompletionOption {
  return {
    names: [option.short, option.long].filter((name): name is string => name !== undefined && name !== ''),
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
    description: firstLine(option.description),
  };
}

const firstLine = (text: string): string => text.split('\n')[0]?.trim() ?? '';

/** Every command of the tree, depth first, the program first. */
export function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
