import { randomUUID } from 'node:crypto';
import type { Ora } from 'ora';
import type ora from 'ora';
import { z } from 'zod';
import { QuietExit } from '../../shell/cli-error.js';
import type { CommandTools } from '../../shell/command-tools.js';
import { EXIT } from '../../shell/exit-codes.js';
import type { GraphQLClient } from '../../shell/graphql-client.js';
import { interruption } from '../../shell/interruption.js';
import { NO_COLORS, cut } from '../../shell/output.js';
import type { Output } from '../../shell/output.js';
import type { Prompter } from '../../shell/prompts.js';
import { isAbortedPrompt } from '../../shell/prompts.js';
import { formatLogLine } from '../logs/log-format.js';
import type { LogLine } from '../logs/log-format.js';
import { askEach } from '../trak/answer.command.js';
import { SUCCESSFUL_ENDS, TRAK_DETAIL, TRAK_QUERY, UNSUCCESSFUL_ENDS, trakDetailSchema, trakQuerySchema, trakSummarySchema } from '../trak/trak-fields.js';
import type { TrakDetail } from '../trak/trak-fields.js';
import { nextStep, stageOf, trakLine } from '../trak/trak-render.js';
import { followTrak } from './trak-follower.js';

/** Statuses where machines work and nobody needs to act: the live view spins on them. */
const WORKING: ReadonlySet<string> = new Set(['Queued', 'AgentRunning', 'AwaitingGate', 'GateRunning', 'Integrating', 'WaitingOnChildren', 'WaitingOnDependencies']);

/** What a person is asked in the live view, by why the Trak waits. */
const ASKS: ReadonlySet<string> = new Set(['AwaitingApproval', 'AwaitingRejectionConfirmation', 'AwaitingAnswers', 'Interrupted', 'AwaitingMergeDecision']);

const TAIL_LINES = 6;

/** What changed for a person: the status, the stage and why it waits (not every event). */
const stateKey = (trak: TrakDetail): string => `${trak.status}|${stageOf(trak)}|${trak.needsHuman?.kind ?? ''}`;

interface View {
  show(trak: TrakDetail, event: string | null): void;
  log(line: LogLine): void;
  /** Stops animating before a prompt. */
  pause(): void;
  end(trak: TrakDetail, successful: boolean): void;
  close(): void;
}

/**
 * Follows a Trak until it ends: exits 0 when it is Done or integrated, and with
 * `trakUnsuccessful` when it ends Failed, Blocked or Cancelled. On a terminal it shows a spinner
 * on the working stage with the tail of its log, and asks the person whenever the Trak waits for
 * one; otherwise (piped, or --json) it prints one line per change.
 */
export async function watchTrak(tools: CommandTools, client: GraphQLClient, trakId: string): Promise<void> {
  const { out } = tools;
  const stop = interruption(tools.io);
  let question: AbortController | undefined;
  let current: TrakDetail = (await client.request(TRAK_QUERY, { id: trakId }, trakQuerySchema)).trak;
  const follower = followTrak(client, trakId, stop.signal, {
    ...(out.interactive && { logsAfter: null }),
    // A change while a person is being asked makes the question moot (someone else answered, the Trak moved on).
    onArrival: (change) => {
      if (change.kind === 'trak' && change.trak.version > current.version && stateKey(change.trak) !== stateKey(current)) question?.abort();
    },
  });
  // ora is loaded only for a terminal, where it spins.
  const view: View = out.interactive ? new LiveView(out, (await import('ora')).default) : new LineView(out);
  let left = ''; // the state a person chose to leave as it was: not asked again until it changes
  try {
    const settle = async (trak: TrakDetail, event: string | null): Promise<boolean> => {
      for (let next: TrakDetail | undefined = trak; next !== undefined && next.version >= current.version; ) {
        current = next;
        view.show(current, event);
        next = undefined;
        const ask = out.interactive && current.needsHuman !== null && ASKS.has(current.needsHuman.kind) && left !== stateKey(current);
        if (ask) {
          view.pause();
          question = new AbortController();
          try {
            next = await decide(tools.prompter(AbortSignal.any([question.signal, stop.signal]))!, client, current);
            if (next === undefined) left = stateKey(current);
            event = 'you';
          } catch (error) {
            if (!isAbortedPrompt(error)) throw error;
          } finally {
            question = undefined;
          }
        }
      }
      return SUCCESSFUL_ENDS.has(current.status) || UNSUCCESSFUL_ENDS.has(current.status);
    };

    let ended = await settle(current, null);
    if (!ended) {
      for await (const change of follower.changes) {
        if (change.kind === 'log') view.log(change.line);
        else if (change.trak.version > current.version && (ended = await settle(change.trak, change.event))) break;
      }
    }
    if (!ended) throw new QuietExit(EXIT.interrupted); // the follow only ends early on Ctrl-C
    const successful = SUCCESSFUL_ENDS.has(current.status);
    view.end(current, successful);
    if (!successful) throw new QuietExit(EXIT.trakUnsuccessful);
  } finally {
    follower.stop();
    stop.dispose();
    view.close();
  }
}

const decisionSchema = (field: string) => z.object({ [field]: trakDetailSchema });

/** Asks what to do about what the Trak waits for, and does it; undefined when the person leaves it as it is. */
async function decide(ask: Prompter, client: GraphQLClient, trak: TrakDetail): Promise<TrakDetail | undefined> {
  const send = async (mutation: string, inputType: string, input: Record<string, unknown>): Promise<TrakDetail> => {
    const answer = await client.request(
      `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${TRAK_DETAIL} } }`,
      { input: { trakId: trak.id, idempotencyKey: randomUUID(), ...input } },
      decisionSchema(mutation),
    );
    return trakDetailSchema.parse(answer[mutation]);
  };
  type Choice = 'approve' | 'reject' | 'skip' | 'retry' | 'merge' | 'pr' | 'leave';
  const leave = { name: 'Leave it for now (keep watching)', value: 'leave' as Choice };
  switch (trak.needsHuman?.kind) {
    case 'AwaitingAnswers':
      return send('answerQuestions', 'AnswerQuestionsInput', { answers: await askEach(ask, trak.questions) });
    case 'AwaitingApproval': {
      const choice = await ask.choose<Choice>(`Approve ${stageOf(trak)}?`, [
        { name: 'Approve', value: 'approve' },
        { name: 'Reject with feedback', value: 'reject' },
        leave,
      ]);
      if (choice === 'approve') return send('approve', 'ApproveInput', {});
      if (choice === 'reject') return send('reject', 'RejectInput', { feedback: await ask.text('What should change?') });
      return undefined;
    }
    case 'AwaitingRejectionConfirmation': {
      const choice = await ask.choose<Choice>('The agent rejected the work. Confirm?', [
        { name: 'Confirm the rejection', value: 'approve' },
        { name: 'Overrule it: skip this stage', value: 'skip' },
        leave,
      ]);
      if (choice === 'approve') return send('approve', 'ApproveInput', {});
      if (choice === 'skip') return send('skipStage', 'SkipStageInput', { message: await ask.text('Why skip it?') });
      return undefined;
    }
    case 'Interrupted': {
      const choice = await ask.choose<Choice>('The stage was interrupted. Resume it?', [{ name: 'Resume the agent', value: 'retry' }, leave]);
      return choice === 'retry' ? send('retry', 'RetryInput', { message: await ask.text('What should the agent do?', { default: 'Please retry.' }) }) : undefined;
    }
    case 'AwaitingMergeDecision': {
      const choice = await ask.choose<Choice>('Every stage passed. Integrate it?', [
        { name: 'Merge into its base branch', value: 'merge' },
        { name: 'Open a pull request', value: 'pr' },
        { name: 'Not now (stop watching)', value: 'leave' },
      ]);
      if (choice === 'merge') return send('merge', 'MergeInput', {});
      if (choice === 'pr') return send('openPr', 'OpenPrInput', {});
      return undefined;
    }
    default:
      return undefined;
  }
}

/** On a terminal: a spinner on the working stage, the tail of its log under it, and each change persisted above. */
class LiveView implements View {
  private readonly spinner: Ora;
  private key = '';
  private line = '';
  private tail: string[] = [];

  constructor(
    private readonly out: Output,
    createSpinner: typeof ora,
  ) {
    this.spinner = createSpinner({ stream: out.stream, discardStdin: false, isEnabled: true, color: out.colorful ? 'cyan' : false });
  }

  show(trak: TrakDetail, event: string | null): void {
    const key = stateKey(trak);
    if (key === this.key) return;
    const stageChanged = this.key.split('|')[1] !== stageOf(trak);
    if (this.spinner.isSpinning) this.spinner.stopAndPersist({ symbol: this.out.colors.green('✔'), text: this.line });
    this.key = key;
    this.line = `${trakLine(this.out, trak)}${event === 'you' ? this.out.colors.dim(' (your decision)') : ''}`;
    if (stageChanged) this.tail = [];
    if (WORKING.has(trak.status)) {
      this.spinner.start(this.text());
      return;
    }
    this.out.lines(`${this.out.colors.yellow('•')} ${this.line}`);
    if (trak.status === 'AwaitingApproval') {
      const artifact = [...trak.artifacts].reverse().find((a) => a.stage === trak.stage);
      if (artifact !== undefined) {
        const lines = artifact.content.split('\n');
        this.out.lines([this.out.colors.bold(`  ${artifact.name}:`), ...lines.slice(0, 40).map((l) => `    ${l}`), ...(lines.length > 40 ? [this.out.colors.dim(`    … (${lines.length - 40} more lines: \`ork trak show ${trak.id}\`)`)] : [])]);
      }
    }
  }

  log(line: LogLine): void {
    const width = Math.max(20, this.out.width - 4);
    for (const part of formatLogLine(line, NO_COLORS).split('\n')) this.tail.push(cut(part, width));
    this.tail = this.tail.slice(-TAIL_LINES);
    if (this.spinner.isSpinning) this.spinner.text = this.text();
  }

  pause(): void {
    if (this.spinner.isSpinning) this.spinner.stop();
  }

  end(trak: TrakDetail, successful: boolean): void {
    this.pause();
    const mark = successful ? this.out.colors.green('✔') : this.out.colors.red('✖');
    this.out.lines(`${mark} ${trakLine(this.out, trak)}`);
    this.out.lines(`Next: ${nextStep(trak)}.`);
  }

  close(): void {
    this.pause();
  }

  private text(): string {
    return [this.line, ...this.tail.map((l) => this.out.colors.dim(`  ${l}`))].join('\n');
  }
}

/** Piped or --json: one line (one JSON document with --json) per change of status, stage or what it waits for. */
class LineView implements View {
  private key = '';

  constructor(private readonly out: Output) {}

  show(trak: TrakDetail, event: string | null): void {
    const key = stateKey(trak);
    if (key === this.key) return;
    this.key = key;
    if (this.out.json) this.out.jsonLine({ event, trak: trakSummarySchema.parse(trak) });
    else this.out.lines(`${new Date().toISOString().slice(11, 19)} ${trakLine(this.out, trak)}`);
  }

  log(): void {}

  pause(): void {}

  end(trak: TrakDetail, successful: boolean): void {
    if (!this.out.json) this.out.lines(`${successful ? 'Ended' : 'Stopped'}: ${trak.id} is ${trak.status}. Next: ${nextStep(trak)}.`);
  }

  close(): void {}
}
