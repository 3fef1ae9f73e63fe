export * from './trak.values.js';
export * from './trak.events.js';
export * from './trak.commands.js';
export * from './trak.state.js';
export * from './trak.ids.js';
export { evolve } from './trak.evolve.js';
export { decide, trakDecider } from './trak.decide.js';
export { runnerWait, runnerWaitDetail } from './trak.runner-wait.js';
export { humanAttention, type AttentionKind, type HumanAttention } from './trak.attention.js';
export { TRAK_NOTICE_KINDS, trakNotice, type TrakIntegration, type TrakNotice, type TrakNoticeKind } from './trak.notice.js';
export {
  AUTO_ANSWER,
  GATE_FEEDBACK_LIMIT,
  MAX_AUTO_ANSWER_ROUNDS,
  automaticIntegration,
  backoffMs,
  budgetExceeded,
  earlierStages,
  recoveryStage,
  stageDefinition,
} from './trak.rules.js';
