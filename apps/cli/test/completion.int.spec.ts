import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Option } from 'commander';
import { execa } from 'execa';
import { COMMANDS, EXIT, buildProgram, runCli } from '../src/index.js';
import type { CliContext, CommandModule } from '../src/index.js';
import { allCommands, describeProgram } from '../src/completion/command-tree.js';
import { completionCommand } from '../src/completion/completion.command.js';
import { initCommand } from '../src/commands/init/init.command.js';
import { captureIo } from './support/capture-io.js';

// The completion scripts, generated from a program of fixed commands like the ones the slices
// register (nested, aliased, with choices, hidden) and run in a real bash; the last spec checks
// the program ork really builds.

const trakCommands: CommandModule = (program) => {
  const trak = program.command('trak').summary('work with Traks');
  trak
    .command('create')
    .summary('create a Trak')
    .requiredOption('-t, --title <title>', 'its title')
    .option('--flow <name>', 'the flow to run')
    .option('--auto', 'skip every human pause');
  trak
    .command('list')
    .alias('ls')
    .summary("list the project's Traks")
    .addOption(new Option('--status <status>', 'only those in this state').choices(['active', 'done', 'failed']));
  trak.command('show').argument('<trak>', 'the Trak id').option('-f, --follow', 'keep following');
  program.command('debug-dump', { hidden: true }).option('--secret-flag', 'not for users');
};


const FIXED: readonly CommandModule[] = [initCommand, completionCommand, trakCommands];

async function script(shell: 'bash' | 'zsh', commands: readonly CommandModule[] = FIXED): Promise<string> {
  const io = captureIo();
  expect(await runCli(['completion', shell], io, commands)).toBe(EXIT.ok);
  expect(io.err()).toBe('');
  return io.out();
}

let dir: string;
let bashFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ork-completion-'));
  bashFile = path.join(dir, 'ork.bash');
  await writeFile(bashFile, await script('bash'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What bash offers after `line` (the cursor at its end), through the script's completion function. */
async function complete(line: string): Promise<string[]> {
  const words = line.split(' ');
  const program = [
    'set -u',
    `source ${JSON.stringify(bashFile)}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_ork',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout } = await execa('bash', ['--norc', '--noprofile', '-c', program]);
  return stdout.split('\n').filter((w) => w !== '');
}

describe('ork completion bash', () => {
  it('given the generated script, then bash accepts its syntax and it registers a completion for ork', async () => {
    await execa('bash', ['-n', bashFile]);
    const { stdout } = await execa('bash', ['--norc', '--noprofile', '-c', `source ${JSON.stringify(bashFile)}; complete -p ork`]);
    expect(stdout).toBe('complete -o default -F _ork ork');
  });

  it('given the start of a line, then it offers the top-level commands and none that is hidden', async () => {
    expect(await complete('ork ')).toEqual(['init', 'completion', 'trak', 'help']);
    expect(await complete('ork tr')).toEqual(['trak']);
  });

  it('given a command with subcommands, then it offers them, and an alias leads to the same flags', async () => {
    expect(await complete('ork trak ')).toEqual(['create', 'list', 'show', 'help']);
    expect(await complete('ork trak ls --st')).toEqual(['--status']);
  });

  it('given a dash, then it offers the command’s own flags and the global ones', async () => {
    expect(await complete('ork trak create -')).toEqual(['-t', '--title', '--flow', '--auto', '-h', '--help', '--json', '--server', '--token']);
    expect(await complete('ork init --')).toEqual(['--force', '--help', '--json', '--server', '--token']);
  });

  it('given a flag or an argument that lists its values, then it offers those values', async () => {
    expect(await complete('ork trak list --status ')).toEqual(['active', 'done', 'failed']);
    expect(await complete('ork completion ')).toEqual(['bash', 'zsh']);
    expect(await complete('ork help ')).toEqual(['init', 'completion', 'trak']);
  });

  it('given flags with values before the command, then their values are not taken for commands', async () => {
    expect(await complete('ork --server trak tr')).toEqual(['trak']);
    expect(await complete('ork --server http://localhost:4100 trak cr')).toEqual(['create']);
    expect(await complete('ork trak create --title show ')).toEqual([]);
  });

  it('given a free value (a Trak id, a file name), then it offers nothing and leaves it to readline', async () => {
    expect(await complete('ork trak show ')).toEqual([]);
    expect(await complete('ork --server ')).toEqual([]);
  });
});

describe('ork completion zsh', () => {
  it('given the generated script, then it is a zsh completion function listing every flag with its description', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef ork\n')).toBe(true);
    expect(text).toContain(`'ork trak') ork_list=('create:create a Trak' 'list:list the project'\\''s Traks' 'show:' 'help:display help for command') ;;`);
    expect(text).toContain(`'--status:only those in this state'`);
    expect(text).toContain(`'ork trak list|--status') echo 'active done failed' ;;`);
    expect(text).toContain('compdef _ork ork');
    // zsh is not installed on every machine that runs these specs; where it is, it checks the syntax.
    const zsh = await execa('zsh', ['--version'], { reject: false });
    if (zsh.exitCode === 0) {
      const file = path.join(dir, '_ork');
      await writeFile(file, text);
      await execa('zsh', ['-n', file]);
    }
  });
});

describe('the completion scripts and the program', () => {
  it('given the program as ork builds it, then both scripts name every command, subcommand and flag it has', async () => {
    const context: CliContext = { io: captureIo(), globals: () => ({ json: false }), setExitCode: () => undefined };
    const tree = describeProgram(buildProgram(context, COMMANDS));
    const names = allCommands(tree).flatMap((command) => [...command.names, ...command.options.flatMap((option) => option.names)]);
    expect(names).toEqual(expect.arrayContaining(['init', '--force', 'completion', '--json', '--server', '--token']));
    for (const shell of ['bash', 'zsh'] as const) {
      const text = await script(shell, COMMANDS);
      for (const name of names) expect(text).toContain(name);
    }
  });
});
