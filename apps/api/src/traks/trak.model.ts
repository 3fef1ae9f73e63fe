import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { TrakStatus } from '@orkestra/domain';
import type { PositionedTrakEvent } from '@orkestra/read-models';

/** The domain's statuses, as GraphQL enum values of the same names. */
export enum TrakStatusValue {
  WaitingOnDependencies = 'WaitingOnDependencies',
  Queued = 'Queued',
  AgentRunning = 'AgentRunning',
  AwaitingGate = 'AwaitingGate',
  GateRunning = 'GateRunning',
  AwaitingApproval = 'AwaitingApproval',
  AwaitingAnswers = 'AwaitingAnswers',
  AwaitingRejectionConfirmation = 'AwaitingRejectionConfirmation',
  Interrupted = 'Interrupted',
  WaitingOnChildren = 'WaitingOnChildren',
  Done = 'Done',
  Integrating = 'Integrating',
  Archived = 'Archived',
  Failed = 'Failed',
  Blocked = 'Blocked',
  Cancelled = 'Cancelled',
}
registerEnumType(TrakStatusValue, { name: 'TrakStatus', description: 'Where a Trak stands in its flow.' });

// A status the domain adds must be added here too; this line stops the build until it is.
const _everyStatusListed: Record<Exclude<TrakStatus, 'Initial'>, TrakStatusValue> = TrakStatusValue;

@ObjectType({ description: 'A stage of a flow, as recorded when the Trak was created.' })
export class Stage {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Name of the artifact the stage produces.' }) artifact!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => String, { description: '`claudecode` or `opencode`.' }) agent!: string;
  @Field(() => String, { nullable: true }) model?: string;
  @Field(() => String, { nullable: true, description: '`script` (a shell gate), `agent` (a verdict), or none.' }) gate?: string;
  @Field(() => Boolean, { description: 'Whether the stage may split the Trak into Subtraks.' }) splitsIntoSubtraks!: boolean;
  @Field(() => Int) maxAttempts!: number;
}

@ObjectType({ description: 'A named pipeline of stages.' })
export class Flow {
  @Field(() => String) name!: string;
  @Field(() => [Stage]) stages!: Stage[];
  @Field(() => String, { description: 'Stage that receives merge conflicts and update requests.' }) onFailure!: string;
  @Field(() => Boolean) autoMerge!: boolean;
}

@ObjectType({ description: 'The named text output of a stage.' })
export class Artifact {
  @Field(() => String) name!: string;
  @Field(() => String) content!: string;
  @Field(() => String) stage!: string;
  @Field(() => Int) iteration!: number;
  @Field(() => String) at!: string;
}

@ObjectType()
export class QuestionOption {
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true }) description?: string;
}

@ObjectType({ description: 'A question an agent asked; answer all pending questions at once, in order.' })
export class Question {
  @Field(() => String) question!: string;
  @Field(() => String, { nullable: true }) context?: string;
  @Field(() => [QuestionOption]) options!: QuestionOption[];
}

@ObjectType({ description: 'Why a Trak waits for a person, if it does.' })
export class HumanAttention {
  @Field(() => String, {
    description: '`AwaitingApproval`, `AwaitingAnswers`, `AwaitingRejectionConfirmation`, `Interrupted`, `Failed`, `Blocked`, `AwaitingMergeDecision` or `PullRequestOpen`.',
  })
  kind!: string;
  @Field(() => String) detail!: string;
}

@ObjectType()
export class Usage {
  @Field(() => Int) inputTokens!: number;
  @Field(() => Int) outputTokens!: number;
  @Field(() => Float) costUsd!: number;
}

@ObjectType({ description: 'A Subtrak a breakdown stage proposes; created when the stage is approved.' })
export class ProposedSubtrak {
  @Field(() => String) title!: string;
  @Field(() => String) description!: string;
  @Field(() => [Int], { description: '0-based indices of the proposals it depends on.' }) dependsOn!: number[];
}

@ObjectType()
export class SubtrakLink {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => [String]) dependsOn!: string[];
  @Field(() => String, { description: '`pending`, `completed` or `failed`.' }) status!: string;
  @Field(() => String, { nullable: true }) failure?: string;
}

@ObjectType({ description: 'A unit of work on a project, run through a flow of stages.' })
export class Trak {
  @Field(() => ID) id!: string;
  @Field(() => String) projectId!: string;
  @Field(() => String) title!: string;
  @Field(() => String) description!: string;
  @Field(() => TrakStatusValue) status!: TrakStatusValue;
  @Field(() => String, { nullable: true, description: 'Why it stopped or waits: a block, a failure, a cancel reason, dependencies, a runner with the labels its job needs.' })
  statusDetail?: string;
  @Field(() => HumanAttention, { nullable: true }) needsHuman?: HumanAttention;
  @Field(() => Flow) flow!: Flow;
  @Field(() => String, { nullable: true }) stage?: string;
  @Field(() => Int, { nullable: true }) iteration?: number;
  @Field(() => Int, { nullable: true, description: 'Failures so far in this pass of the stage.' }) attempts?: number;
  @Field(() => Boolean) autoMode!: boolean;
  @Field(() => Boolean) autoPr!: boolean;
  @Field(() => String) branch!: string;
  @Field(() => String) baseBranch!: string;
  @Field(() => String, { nullable: true }) baseCommit?: string;
  @Field(() => String, { nullable: true }) prUrl?: string;
  @Field(() => [Artifact]) artifacts!: Artifact[];
  @Field(() => [Question], { description: 'Questions waiting for answers (empty unless AwaitingAnswers).' }) questions!: Question[];
  @Field(() => [ProposedSubtrak], { description: 'Subtraks proposed by the stage awaiting approval.' }) proposedSubtraks!: ProposedSubtrak[];
  @Field(() => String, { nullable: true }) parentId?: string;
  @Field(() => [SubtrakLink]) subtraks!: SubtrakLink[];
  @Field(() => [String], { description: 'Sibling Traks that must be integrated before this one starts.' }) dependsOn!: string[];
  @Field(() => Usage) usage!: Usage;
  @Field(() => String) createdAt!: string;
  @Field(() => String) updatedAt!: string;
  @Field(() => Int, { description: 'Number of events in its stream; `trak(id, at:)` reads it as it stood at any of them.' })
  version!: number;
  /** Not in the schema: the events this view was folded from, when its resolver read them; the timeline fields fold them too. */
  events?: readonly PositionedTrakEvent[];
}
