import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../../cli.js';
import { CliError } from '../../shell/cli-error.js';
import { commandTools } from '../../shell/command-tools.js';
import type { CommandTools } from '../../shell/command-tools.js';
import { EXIT } from '../../shell/exit-codes.js';
import type { Prompter } from '../../shell/prompts.js';
import { TRAK_SUMMARY, trakSummarySchema } from './trak-fields.js';
import type { Question } from './trak-fields.js';
import { nextStep, trakLine } from './trak-render.js';

interface AnswerOptions {
  readonly answer?: readonly string[];
  readonly answersJson?: string;
}

/** `ork trak answer`: answers the agent's pending questions, asked one by one on a terminal. */
export function answerCommand(trak: Command, context: CliContext): void {
  trak
    .command('answer')
    .description("answer the agent's pending questions (asked one by one on a terminal); the stage resumes with the answers")
    .argument('<trak>', 'the Trak id')
    .addOption(new Option('-a, --answer <text>', 'an answer; repeat it once per question, in order').argParser((value: string, previous: string[] = []) => [...previous, value]))
    .addOption(new Option('--answers-json <json>', 'the answers as a JSON array of strings, in order ("-": read it from stdin)').conflicts('answer'))
    .addHelpText('after', '\nExamples:\n  ork trak answer k3v7q2m9xa                         # asks each question\n  ork trak answer k3v7q2m9xa -a "Postgres" -a "yes"\n  echo \'["Postgres","yes"]\' | ork trak answer k3v7q2m9xa --answers-json -')
    .action((id: string, options: AnswerOptions) => answer(commandTools(context), id, options));
}

const answersSchema = z.array(z.string());

async function answer(tools: CommandTools, id: string, options: AnswerOptions): Promise<void> {
  const client = await tools.client();
  let answers = options.answer ?? (options.answersJson === undefined ? undefined : await answersFromJson(tools, options.answersJson));
  if (answers === undefined) {
    const { trak } = await client.request(
      'query($id: ID!) { trak(id: $id) { id status questions { question context options { label description } } } }',
      { id },
      z.object({ trak: z.object({ id: z.string(), status: z.string(), questions: z.array(z.object({ question: z.string(), context: z.string().nullable(), options: z.array(z.object({ label: z.string(), description: z.string().nullable() })) })) }) }),
    );
    if (trak.questions.length === 0) {
      throw new CliError(`Trak ${id} has no questions waiting for answers (it is ${trak.status})`, EXIT.rejected, `See what it waits for with \`ork trak show ${id}\`.`, { code: 'NO_QUESTIONS' });
    }
    const ask = tools.prompter();
    if (ask === undefined) {
      throw new CliError(
        `Trak ${id} asks ${trak.questions.length} question(s):\n${trak.questions.map((q, i) => `  ${i + 1}. ${q.question}`).join('\n')}`,
        EXIT.usage,
        'Give one --answer per question, in order (or --answers-json); ork asks them one by one only on a terminal.',
      );
    }
    answers = await askEach(ask, trak.questions);
  }
  const { answerQuestions: trak } = await client.request(
    `mutation($input: AnswerQuestionsInput!) { answerQuestions(input: $input) { ${TRAK_SUMMARY} } }`,
    { input: { trakId: id, answers, idempotencyKey: randomUUID() } },
    z.object({ answerQuestions: trakSummarySchema }),
  );
  tools.out.result({ trak }, () => [`Answered ${trakLine(tools.out, trak)}`, `Next: ${nextStep(trak)}.`]);
}

/** Each question in turn: its options to pick from (or "something else"), or free text. */
export async function askEach(ask: Prompter, questions: readonly Question[]): Promise<string[]> {
  const answers: string[] = [];
  for (const [i, q] of questions.entries()) {
    const title = `${questions.length > 1 ? `(${i + 1}/${questions.length}) ` : ''}${q.question}${q.context === null || q.context === '' ? '' : `\n  ${q.context}`}`;
    if (q.options.length === 0) {
      answers.push(await ask.text(title));
      continue;
    }
    const OTHER = Symbol('other');
    const picked = await ask.choose<string | typeof OTHER>(title, [
      ...q.options.map((o) => ({ name: o.label, value: o.label, ...(o.description !== null && { description: o.description }) })),
      { name: 'Something else…', value: OTHER },
    ]);
    answers.push(picked === OTHER ? await ask.text('Your answer') : picked);
  }
  return answers;
}

async function answersFromJson(tools: CommandTools, json: string): Promise<string[]> {
  const source = json === '-' ? await text(tools.io.stdin) : json;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new CliError(`--answers-json is not JSON: ${(error as Error).message}`, EXIT.usage, 'Give a JSON array of strings, e.g. \'["Postgres","yes"]\'.');
  }
  const parsed = answersSchema.safeParse(value);
  if (!parsed.success) throw new CliError('--answers-json must be a JSON array of strings, one per question in order', EXIT.usage, 'e.g. \'["Postgres","yes"]\'.');
  return parsed.data;
}
