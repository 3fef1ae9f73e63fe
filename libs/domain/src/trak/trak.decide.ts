import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/message.js';
import { assertNever } from '../shared/message.js';
import type { TrakCommand } from './trak.commands.js';
import type { TrakEvent } from './trak.events.js';
import type { TrakState } from './trak.state.js';
import { initialState } from './trak.state.js';
import { evolve } from './trak.evolve.js';
import { blockOverBudget, recordAgentRunFailure, recordAgentRunResult, recordAgentRunStarted, requestAgentRun } from './decide/agent-run.decide.js';
import { createTrak, recordDependencyCompleted } from './decide/creation.decide.js';
import { recordGateResult, requestGateRun } from './decide/gate.decide.js';
import {
  archive,
  cancel,
  interrupt,
  recordIntegrationResult,
  recordSubtrakCompleted,
  recordSubtrakFailed,
  requestIntegration,
} from './decide/lifecycle.decide.js';
import { answerQuestions } from './decide/questions.decide.js';
import { recordNoRunner, recordRunnerFound } from './decide/runner-wait.decide.js';
import { approve, finish, reject, restart, retry, sendToStage, setAutoMode, skip } from './decide/review.decide.js';

/**
 * The Trak decider: turns a command and the current state into events, or throws a
 * `DomainError` naming what is wrong. Pure: time, ids and the flow come in on the command.
 */
export function decide(command: TrakCommand, state: TrakState): TrakEvent[] {
  if (command.type === 'CreateTrak') return createTrak(command, state);
  if (state.status === 'Initial') {
    throw new DomainError('TRAK.NOT_FOUND', `Cannot ${command.type}: the Trak does not exist`, { command: command.type });
  }
  switch (command.type) {
    case 'RecordDependencyCompleted':
      return recordDependencyCompleted(command, state);
    case 'RequestAgentRun':
      return requestAgentRun(command, state);
    case 'RecordAgentRunStarted':
      return recordAgentRunStarted(command, state);
    case 'RecordAgentRunResult':
      return recordAgentRunResult(command, state);
    case 'RecordAgentRunFailure':
      return recordAgentRunFailure(command, state);
    case 'BlockOverBudget':
      return blockOverBudget(command, state);
    case 'RequestGateRun':
      return requestGateRun(command, state);
    case 'RecordGateResult':
      return recordGateResult(command, state);
    case 'RecordNoRunner':
      return recordNoRunner(command, state);
    case 'RecordRunnerFound':
      return recordRunnerFound(command, state);
    case 'RecordSubtrakCompleted':
      return recordSubtrakCompleted(command, state);
    case 'RecordSubtrakFailed':
      return recordSubtrakFailed(command, state);
    case 'RequestIntegration':
      return requestIntegration(command, state);
    case 'RecordIntegrationResult':
      return recordIntegrationResult(command, state);
    case 'Approve':
      return approve(command, state);
    case 'Reject':
      return reject(command, state);
    case 'AnswerQuestions':
      return answerQuestions(command, state);
    case 'Retry':
      return retry(command, state);
    case 'Skip':
      return skip(command, state);
    case 'SendToStage':
      return sendToStage(command, state);
    case 'Restart':
      return restart(command, state);
    case 'Interrupt':
      return interrupt(command, state);
    case 'Finish':
      return finish(command, state);
    case 'SetAutoMode':
      return setAutoMode(command, state);
    case 'Cancel':
      return cancel(command, state);
    case 'Archive':
      return archive(command, state);
    default:
      return assertNever(command, 'Trak command');
  }
}

export const trakDecider: Decider<TrakState, TrakCommand, TrakEvent> = { decide, evolve, initialState };
