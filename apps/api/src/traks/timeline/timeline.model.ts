import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { AgentRunStatus, GateRunStatus, IterationOutcome } from '@orkestra/read-models';
import { Usage } from '../trak.model.js';

// The read models' closed sets, as GraphQL enums with the same values; the Records below stop
// the build when one side gains a value the other lacks.
export enum IterationOutcomeValue {
  approved = 'approved',
  rejected = 'rejected',
  rejection_confirmed = 'rejection_confirmed',
  answered = 'answered',
  gate_failed = 'gate_failed',
  malformed = 'malformed',
  agent_error = 'agent_error',
  failed = 'failed',
  blocked = 'blocked',
  skipped = 'skipped',
  interrupted = 'interrupted',
  cancelled = 'cancelled',
  retried = 'retried',
  restarted = 'restarted',
  redirected = 'redirected',
}
registerEnumType(IterationOutcomeValue, {
  name: 'IterationOutcome',
  description:
    'How a stage iteration ended: its output `approved` (also by auto mode, or forced with finishStage), `rejected` by a person, the agent\'s own rejection confirmed (`rejection_confirmed`), its questions `answered`, `gate_failed`, `malformed` output, an `agent_error`, the Trak `failed`, `blocked` or `cancelled` in it, `skipped`, `interrupted`, or a person `retried`, `restarted` or `redirected` it.',
});
const _everyOutcome: Record<IterationOutcome, IterationOutcomeValue> = IterationOutcomeValue;

export enum AgentRunStatusValue {
  requested = 'requested',
  running = 'running',
  completed = 'completed',
  failed = 'failed',
  stopped = 'stopped',
}
registerEnumType(AgentRunStatusValue, {
  name: 'AgentRunStatus',
  description: '`requested` (waiting for a runner), `running`, `completed` (with an output), `failed`, or `stopped` (the Trak was interrupted or cancelled while it ran).',
});
const _everyRunStatus: Record<AgentRunStatus, AgentRunStatusValue> = AgentRunStatusValue;

export enum GateRunStatusValue {
  running = 'running',
  passed = 'passed',
  failed = 'failed',
  stopped = 'stopped',
}
registerEnumType(GateRunStatusValue, { name: 'GateRunStatus', description: '`running`, `passed`, `failed`, or `stopped` (the Trak was interrupted or cancelled while it ran).' });
const _everyGateStatus: Record<GateRunStatus, GateRunStatusValue> = GateRunStatusValue;

@ObjectType()
export class AnsweredQuestion {
  @Field(() => String) question!: string;
  @Field(() => String) answer!: string;
}

@ObjectType({ description: 'Why a stage iteration began; only the fields of its kind are set.' })
export class IterationTrigger {
  @Field(() => String, {
    description: '`rejection`, `integration`, `answers`, `interrupted`, `gate_failure`, `redirect`, `restart`, `user_message`, `malformed_output` or `agent_failure`.',
  })
  kind!: string;
  @Field(() => String, { nullable: true, description: 'The stage that sent the Trak here (rejection, redirect).' }) fromStage?: string;
  @Field(() => String, { nullable: true }) feedback?: string;
  @Field(() => String, { nullable: true }) message?: string;
  @Field(() => String, { nullable: true, description: 'What went wrong (gate failure, malformed output).' }) error?: string;
  @Field(() => [String], { nullable: true }) conflictFiles?: string[];
  @Field(() => [AnsweredQuestion], { nullable: true }) answers?: AnsweredQuestion[];
  @Field(() => Int, { nullable: true }) attempt?: number;
  @Field(() => Int, { nullable: true }) maxAttempts?: number;
  @Field(() => String, { nullable: true, description: 'Why the previous agent run failed (agent_failure).' }) reason?: string;
}

@ObjectType({ description: 'One iteration of a stage: why it began and how it ended (open while `endedAt` is null).' })
export class StageIteration {
  @Field(() => String) stage!: string;
  @Field(() => Int, { description: 'Numbered per stage, from 1.' }) iteration!: number;
  @Field(() => IterationTrigger, { nullable: true, description: 'Null for a plain entry into the stage.' }) trigger?: IterationTrigger;
  @Field(() => Int, { description: 'Failures earlier in the same pass of the stage when it began.' }) attempts!: number;
  @Field(() => String) startedAt!: string;
  @Field(() => String, { nullable: true }) endedAt?: string;
  @Field(() => IterationOutcomeValue, { nullable: true }) outcome?: IterationOutcomeValue;
  @Field(() => String, { nullable: true, description: 'The feedback, error, message or reason that goes with the outcome.' }) outcomeDetail?: string;
  @Field(() => String, { nullable: true, description: 'Name of the artifact its output was stored as.' }) artifact?: string;
}

@ObjectType({ description: 'One run of a coding agent for a stage iteration.' })
export class AgentRun {
  @Field(() => ID) id!: string;
  @Field(() => String) stage!: string;
  @Field(() => Int) iteration!: number;
  @Field(() => String, { description: 'The agent CLI the stage names in the flow recorded on the Trak: `claudecode` or `opencode`.' }) agent!: string;
  @Field(() => String, { nullable: true, description: "Null: the agent CLI's default model." }) model?: string;
  @Field(() => String) requestedAt!: string;
  @Field(() => String, { nullable: true }) runnerId?: string;
  @Field(() => String, {
    nullable: true,
    description: 'The runner this run was taken over from: its runner stopped (killed, restarted, drained or lost) and `runnerId` carried the run on, or the same runner did in a new life. The last one when it happened more than once; null when the run never changed hands.',
  })
  takenOverFrom?: string;
  @Field(() => String, { nullable: true }) startedAt?: string;
  @Field(() => String, { nullable: true, description: "The agent provider's session id." }) sessionId?: string;
  @Field(() => String, { nullable: true }) endedAt?: string;
  @Field(() => AgentRunStatusValue) status!: AgentRunStatusValue;
  @Field(() => String, { nullable: true, description: '`Exited`, `TimedOut`, `Stalled`, `ApiError`, `RateLimited`, `Lost`, `SpawnFailed`, `SetupFailed`; `Interrupted` or `Cancelled` when stopped.' })
  failureReason?: string;
  @Field(() => String, { nullable: true }) failureMessage?: string;
  @Field(() => Usage, { nullable: true, description: 'Tokens and cost, once it ended.' }) usage?: Usage;
  @Field(() => String, { nullable: true, description: '`artifact`, `questions`, `subtasks`, `approval`, `failed`, `blocked` or `malformed`, once completed.' })
  outputType?: string;
}

@ObjectType({ description: "One run of a stage's script gate." })
export class GateResult {
  @Field(() => ID) id!: string;
  @Field(() => String) stage!: string;
  @Field(() => Int) iteration!: number;
  @Field(() => String, { nullable: true }) command?: string;
  @Field(() => String) requestedAt!: string;
  @Field(() => String, { nullable: true }) endedAt?: string;
  @Field(() => GateRunStatusValue) status!: GateRunStatusValue;
  @Field(() => Boolean, { nullable: true }) passed?: boolean;
  @Field(() => Int, { nullable: true }) exitCode?: number;
  @Field(() => Boolean, { nullable: true }) timedOut?: boolean;
  @Field(() => String, { nullable: true, description: 'Its output, cut to the last 20,000 characters.' }) output?: string;
}
