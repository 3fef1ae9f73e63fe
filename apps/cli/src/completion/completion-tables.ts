import { allCommands } from './command-tree.js';
import type { CompletionCommand, CompletionOption } from './command-tree.js';

/**
 * The command tree as `case` tables, the part of the completion scripts that bash and zsh share
 * (their `case` syntax is the same). Each table is a shell function keyed by the command path
 * typed so far (`ork trak create`), so the scripts need no associative arrays and run on the
 * bash 3.2 macOS ships.
 */

/** A word quoted for the shell: single quotes, with any `'` closed, escaped and reopened. */
export const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

const key = (command: CompletionCommand): string => command.path.join(' ');

/** Every flag a command accepts: its own, then those of the commands above it. */
export function flagsOf(command: CompletionCommand): CompletionOption[] {
  const seen = new Set<string>();
  return [...command.options, ...command.inherited].filter((option) => {
    const fresh = option.names.some((name) => !seen.has(name));
    option.names.forEach((name) => seen.add(name));
    return fresh;
  });
}

function caseFunction(name: string, comment: string, subject: string, clauses: readonly string[], fallback?: string): string {
  return [
    `# ${comment}`,
    `${name}() {`,
    `  case ${subject} in`,
    ...clauses.map((clause) => `    ${clause}`),
    ...(fallback === undefined ? [] : [`    *) ${fallback} ;;`]),
    '  esac',
    '}',
  ].join('\n');
}

/** `_ork_subcommand PATH WORD` prints the name of the subcommand WORD names there (an alias resolves to the name). */
function subcommandTable(commands: readonly CompletionCommand[]): string {
  const clauses = commands.flatMap((command) =>
    command.subcommands.map((sub) => `${sub.names.map((name) => quote(`${key(command)}|${name}`)).join('|')}) echo ${quote(sub.names[0] ?? '')} ;;`),
  );
  return caseFunction('_ork_subcommand', 'The subcommand that word $2 names under the command $1, if any.', '"$1|$2"', clauses);
}

/** `_ork_takes_value PATH FLAG` succeeds when FLAG takes the next word as its value there. */
function takesValueTable(commands: readonly CompletionCommand[]): string {
  const clauses = commands.flatMap((command) => {
    const names = flagsOf(command)
      .filter((option) => option.takesValue)
      .flatMap((option) => option.names.map((name) => quote(`${key(command)}|${name}`)));
    return names.length === 0 ? [] : [`${names.join('|')}) return 0 ;;`];
  });
  return caseFunction('_ork_takes_value', 'Succeeds when flag $2 of the command $1 takes the next word as its value.', '"$1|$2"', clauses, 'return 1');
}

/** `_ork_values PATH FLAG|#N` prints the values a flag, or the N-th positional argument (from 0), accepts. */
function valuesTable(commands: readonly CompletionCommand[]): string {
  const clauses = commands.flatMap((command) => [
    ...flagsOf(command)
      .filter((option) => option.takesValue && option.choices.length > 0)
      .map((option) => `${option.names.map((name) => quote(`${key(command)}|${name}`)).join('|')}) echo ${quote(option.choices.join(' '))} ;;`),
    ...command.argumentChoices.flatMap((choices, index) => (choices.length === 0 ? [] : [`${quote(`${key(command)}|#${index}`)}) echo ${quote(choices.join(' '))} ;;`])),
  ]);
  return caseFunction('_ork_values', 'The values flag $2 of the command $1 accepts, or positional argument #N (from #0).', '"$1|$2"', clauses);
}

/** The tables both shells use; the words each command offers are shell-specific (zsh adds descriptions). */
export function sharedTables(root: CompletionCommand): string {
  const commands = allCommands(root);
  return [subcommandTable(commands), takesValueTable(commands), valuesTable(commands)].join('\n\n');
}

export { allCommands, caseFunction, key };
