import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../../cli.js';
import { commandTools } from '../../shell/command-tools.js';
import type { CommandTools } from '../../shell/command-tools.js';
import { missing } from '../../shell/prompts.js';
import { TRAK_SUMMARY, trakSummarySchema } from './trak-fields.js';
import { nextStep, trakLine } from './trak-render.js';

/** A flag whose value a person may be asked for on a terminal instead. */
interface TextFlag {
  /** The mutation input's field. */
  readonly field: string;
  readonly flags: string;
  readonly description: string;
  /** Asked on a terminal when missing; without a terminal the command fails naming the flag. */
  readonly required?: boolean;
  readonly prompt?: string;
}

/** One steering verb of `ork trak`: exactly one api mutation on the Trak. */
interface Steering {
  readonly name: string;
  readonly mutation: string;
  readonly inputType: string;
  readonly description: string;
  /** What happened, for the answer: `Approved`. */
  readonly done: string;
  readonly flags?: readonly TextFlag[];
  /** Input fields with a fixed value (e.g. auto mode on). */
  readonly fixed?: (options: Record<string, unknown>) => Record<string, unknown>;
  readonly extra?: (command: Command) => void;
}

const MESSAGE = (description: string, prompt: string): TextFlag => ({ field: 'message', flags: '-m, --message <text>', description, required: true, prompt });

export const STEERING: readonly Steering[] = [
  { name: 'approve', mutation: 'approve', inputType: 'ApproveInput', done: 'Approved', description: 'approve the output awaiting review (or confirm the agent’s rejection): the Trak moves on' },
  {
    name: 'reject',
    mutation: 'reject',
    inputType: 'RejectInput',
    done: 'Rejected',
    description: 'reject the output awaiting review: the stage (or --to-stage) runs again in a fresh session with your feedback',
    flags: [
      { field: 'feedback', flags: '-f, --feedback <text>', description: 'what to change', required: true, prompt: 'What should change?' },
      { field: 'toStage', flags: '--to-stage <stage>', description: 'an earlier stage to send the work back to (default: the current one)' },
    ],
  },
  {
    name: 'retry',
    mutation: 'retry',
    inputType: 'RetryInput',
    done: 'Resumed',
    description: 'resume the current stage’s agent session with a message (after a question, an interruption, a failure or a block)',
    flags: [{ field: 'message', flags: '-m, --message <text>', description: 'what to tell the agent (default: "Please retry.")' }],
  },
  { name: 'skip', mutation: 'skipStage', inputType: 'SkipStageInput', done: 'Skipped the stage of', description: 'skip the current stage: the Trak moves to the next one (or is done after the last)', flags: [MESSAGE('why, for the record', 'Why skip this stage?')] },
  {
    name: 'send-to-stage',
    mutation: 'sendToStage',
    inputType: 'SendToStageInput',
    done: 'Sent',
    description: 'send the Trak to any stage of its flow, in a fresh session, with a message',
    flags: [{ field: 'stage', flags: '-s, --stage <stage>', description: 'a stage of its flow', required: true, prompt: 'To which stage?' }, MESSAGE('what the stage should do', 'What should the stage do?')],
  },
  { name: 'restart', mutation: 'restartStage', inputType: 'RestartStageInput', done: 'Restarted the stage of', description: 'run the current stage again from a fresh session, with your message as feedback', flags: [MESSAGE('feedback to address', 'What should the fresh session address?')] },
  { name: 'finish', mutation: 'finishStage', inputType: 'FinishStageInput', done: 'Finished the stage of', description: 'accept the current stage as it stands, whatever it produced so far, and move on' },
  { name: 'interrupt', mutation: 'interrupt', inputType: 'InterruptInput', done: 'Interrupted', description: 'stop the running agent or gate; the Trak waits until retried, restarted or redirected' },
  {
    name: 'cancel',
    mutation: 'cancel',
    inputType: 'CancelInput',
    done: 'Cancelled',
    description: 'cancel the Trak for good, stopping whatever runs (its branch and history stay)',
    flags: [{ field: 'reason', flags: '-r, --reason <text>', description: 'why, for the record (default: "Cancelled with ork.")' }],
    fixed: (options) => (options['reason'] === undefined ? { reason: 'Cancelled with ork.' } : {}),
  },
  { name: 'merge', mutation: 'merge', inputType: 'MergeInput', done: 'Asked a runner to merge', description: 'merge a done Trak’s branch into its base branch (a runner does it: `ork watch` shows the result)' },
  { name: 'open-pr', mutation: 'openPr', inputType: 'OpenPrInput', done: 'Asked a runner to open a pull request for', description: 'open a pull request for a done Trak’s branch (a runner does it; `ork trak show` gives its URL)' },
  { name: 'archive', mutation: 'archive', inputType: 'ArchiveInput', done: 'Archived', description: 'archive a done Trak (e.g. once its pull request was merged on the forge)' },
  {
    name: 'auto',
    mutation: 'setAutoMode',
    inputType: 'SetAutoModeInput',
    done: 'Changed auto mode of',
    description: 'turn auto mode on (it also settles what the Trak waits for now: approves, answers, confirms) or off with --off',
    fixed: (options) => ({ enabled: options['off'] !== true }),
    extra: (command) => command.addOption(new Option('--off', 'turn auto mode off')),
  },
];

/** Registers every steering verb under `ork trak`. */
export function steeringCommands(trak: Command, context: CliContext): void {
  for (const steering of STEERING) {
    const command = trak.command(steering.name).description(steering.description).argument('<trak>', 'the Trak id');
    for (const flag of steering.flags ?? []) command.addOption(new Option(flag.flags, `${flag.description}${flag.required === true ? ' (asked on a terminal when missing)' : ''}`));
    steering.extra?.(command);
    command.action((id: string, options: Record<string, unknown>) => steer(commandTools(context), steering, id, options));
  }
}

async function steer(tools: CommandTools, steering: Steering, id: string, options: Record<string, unknown>): Promise<void> {
  const { out } = tools;
  const client = await tools.client();
  const input: Record<string, unknown> = { trakId: id, idempotencyKey: randomUUID(), ...steering.fixed?.(options) };
  for (const flag of steering.flags ?? []) {
    const key = optionKey(flag.flags);
    let value = typeof options[key] === 'string' ? (options[key] as string) : undefined;
    if (value === undefined && flag.required === true) {
      const ask = tools.prompter();
      if (ask === undefined) throw missing(`the ${flag.field === 'toStage' ? 'stage' : flag.field}`, flag.flags.replace(/ <.*$/, '').replace(', ', '/'));
      value = await ask.text(flag.prompt ?? flag.description);
    }
    if (value !== undefined) input[flag.field] = value;
  }
  const answer = await client.request(
    `mutation($input: ${steering.inputType}!) { ${steering.mutation}(input: $input) { ${TRAK_SUMMARY} } }`,
    { input },
    z.object({ [steering.mutation]: trakSummarySchema }),
  );
  const trak = trakSummarySchema.parse(answer[steering.mutation]);
  out.result({ trak }, () => [`${steering.done} ${trakLine(out, trak)}`, `Next: ${nextStep(trak)}.`]);
}

/** commander's key for a flag: `-f, --feedback <text>` → `feedback`, `--to-stage <s>` → `toStage`. */
const optionKey = (flags: string): string =>
  (/--([a-z-]+)/.exec(flags)?.[1] ?? '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
