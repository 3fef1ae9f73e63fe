import { validationError } from '../../shared/domain-error.js';
import type { AnswerQuestions } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState, StagePass, TrakRecord } from '../trak.state.js';
import { AUTO_ANSWER, MAX_AUTO_ANSWER_ROUNDS, queueStage, requireStatus } from '../trak.rules.js';
import type { AnsweredQuestion, Question } from '../trak.values.js';

export function answerQuestions(command: AnswerQuestions, state: KnownTrakState): TrakEvent[] {
  const waiting = requireStatus(state, ['AwaitingAnswers'], 'answer questions of', 'it has no pending questions');
  const { answers } = command.data;
  const { questions, current, trak } = waiting;
  if (answers.length !== questions.length) {
    throw validationError(
      `Trak ${trak.trakId} asked ${questions.length} question(s) but ${answers.length} answer(s) were given; answer each question in order`,
      { field: 'answers', expected: questions.length, given: answers.length },
    );
  }
  const blank = answers.findIndex((a) => a.trim() === '');
  if (blank !== -1) throw validationError(`answers[${blank}] is blank (question: "${questions[blank]!.question}")`, { field: `answers[${blank}]`, index: blank });
  const pairs = questions.map((q, i) => ({ question: q.question, answer: answers[i]! }));
  return answered(trak, current, pairs, false, command.metadata.now);
}

/**
 * Auto mode answers questions with a standing instruction to decide, but only for a few rounds
 * per stage pass: an agent that keeps asking then waits for a human instead of looping for ever.
 */
export function autoAnswer(trak: TrakRecord, current: StagePass, questions: readonly Question[], now: string): TrakEvent[] {
  if (!trak.autoMode) return [];
  if (current.autoAnswerRounds >= MAX_AUTO_ANSWER_ROUNDS) {
    return [{ type: 'AutoAnswerLimitReached', data: { stage: current.stage, iteration: current.iteration, rounds: current.autoAnswerRounds, at: now } }];
  }
  return answered(trak, current, questions.map((q) => ({ question: q.question, answer: AUTO_ANSWER })), true, now);
}

function answered(trak: TrakRecord, current: StagePass, answers: readonly AnsweredQuestion[], auto: boolean, now: string): TrakEvent[] {
  return [
    { type: 'QuestionsAnswered', data: { stage: current.stage, iteration: current.iteration, answers, auto, at: now } },
    queueStage(trak, current.stage, { kind: 'answers', answers }, now, { attempts: current.attempts }),
  ];
}
