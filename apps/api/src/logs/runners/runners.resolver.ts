import { Context, Field, Float, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { RUNNERS_BUCKET, runnerEntrySchema } from '@orkestra/contracts';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiBus } from '../../shell/api-bus.js';
import { ApiError } from '../../shell/api-error.js';

@ObjectType({ description: 'A runner that is alive now (it wrote its entry in the last half minute).' })
export class Runner {
  @Field(() => String) name!: string;
  @Field(() => [String]) labels!: string[];
  @Field(() => [String], { description: 'Agent CLIs it can run.' }) agents!: string[];
  @Field(() => [String], { description: 'The label sets it takes jobs for (every subset of its labels; `runs_on` in workflow.yaml picks one).' })
  pools!: string[];
  @Field(() => Int) slots!: number;
  @Field(() => Int) busy!: number;
  @Field(() => String) startedAt!: string;
  @Field(() => String) lastSeen!: string;
  @Field(() => [String], { nullable: true, description: 'The jobs it runs now (instance admins only: job ids name Traks of every project).' }) jobs?: string[];
  @Field(() => Float, { nullable: true, description: 'Disk its mirrors and worktrees use, in bytes (instance admins only; a Float as it may pass 2^31).' }) diskBytes?: number;
}

@Resolver()
export class RunnersResolver {
  constructor(private readonly bus: ApiBus) {}

  @Query(() => [Runner], { description: 'The runners alive now, from the runner registry, by name.' })
  async runners(@Context() context: ApiContext): Promise<Runner[]> {
    const { bus } = this.bus;
    if (bus === undefined) throw new ApiError('UNAVAILABLE', 'The runner registry needs the api to be connected to NATS (ORK_API_NATS_URL)');
    const entries = await (await bus.bucket(RUNNERS_BUCKET.name)).entries();
    const admin = context.caller.instanceAdmin;
    return entries
      .flatMap((entry) => {
        const parsed = runnerEntrySchema.safeParse(entry.value);
        return parsed.success ? [parsed.data] : [];
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => ({
        name: r.name,
        labels: r.labels,
        agents: r.agents,
        pools: r.pools ?? [],
        slots: r.slots,
        busy: r.busy,
        startedAt: r.startedAt,
        lastSeen: r.lastSeen,
        ...(admin && { jobs: r.jobs }),
        ...(admin && r.disk !== undefined && { diskBytes: r.disk.totalBytes }),
      }));
  }
}
