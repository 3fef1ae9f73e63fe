import { Field, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from '../shell/json.scalar.js';

@ObjectType({ description: 'One line of an agent run or a gate run: what the agent said or did, or what the gate printed.' })
export class LogLine {
  @Field(() => String, { description: 'Its position on the log stream: pass as `after` to read or follow on from it.' }) cursor!: string;
  @Field(() => String) jobId!: string;
  @Field(() => String, { description: '`agent-run`, `gate-run` or `integration`.' }) jobKind!: string;
  @Field(() => String, { nullable: true, description: 'The stage the run belonged to.' }) stage?: string;
  @Field(() => Int, { nullable: true }) iteration?: number;
  @Field(() => Int, { description: 'Which delivery of the job (a job handed to another runner starts a new attempt).' }) attempt!: number;
  @Field(() => Int, { description: 'Its number within the attempt.' }) seq!: number;
  @Field(() => String) at!: string;
  @Field(() => String, { description: '`session`, `text`, `tool_use`, `tool_result`, `usage`, `error` or `gate_output`.' }) kind!: string;
  @Field(() => String, { nullable: true, description: 'The text, for text, errors and gate output.' }) text?: string;
  @Field(() => JsonScalar, { description: 'The whole line as the runner sent it.' }) data!: Record<string, unknown>;
}
