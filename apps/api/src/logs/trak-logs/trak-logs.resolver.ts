import { Args, Context, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { LogLine as WireLine } from '@orkestra/contracts';
import type { JobRef } from '@orkestra/domain';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { TrakReads } from '../../traks/trak-reads.js';
import { LogLine } from '../log-line.model.js';
import { logLineView, stageIndexOf } from '../log-lines.js';

@ObjectType({ description: 'Lines of a Trak’s runs in the order runners published them, a page at a time.' })
export class LogPage {
  @Field(() => [LogLine]) lines!: LogLine[];
  @Field(() => Boolean, { description: 'More lines follow: ask again with `after: endCursor`.' }) hasMore!: boolean;
  @Field(() => String, { nullable: true, description: 'The last line’s cursor; also what `logLines(after:)` follows on from.' }) endCursor?: string;
}

const args = z.object({
  trakId: z.string().min(1, 'must not be empty'),
  stage: z.string().trim().min(1, 'must not be blank').nullish(),
  after: z.string().regex(/^\d{1,15}$/, 'must be a cursor from a line').nullish(),
  first: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
});

interface Row {
  job_id: string;
  job_kind: JobRef['kind'];
  stage_index: number | null;
  iteration: number | null;
  stream_seq: string;
  line: WireLine;
}

const PAGE = `
SELECT job_id, job_kind, stage_index, iteration, stream_seq, line FROM read.log_lines
WHERE trak_id = $1 AND ($2::int IS NULL OR stage_index = $2) AND stream_seq > $3
ORDER BY stream_seq LIMIT $4`;

@Resolver()
export class TrakLogsResolver {
  constructor(
    private readonly reads: TrakReads,
    private readonly stores: ApiStores,
  ) {}

  @Query(() => LogPage, { description: "A Trak's agent and gate output (all its runs, or one stage's), kept beyond the live stream's three days." })
  async logs(
    @Args('trakId', { type: () => ID }) trakId: string,
    @Args('stage', { type: () => String, nullable: true }) stage: string | null | undefined,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @Args('first', { type: () => Int, defaultValue: 200 }) first: number,
    @Context() context: ApiContext,
  ): Promise<LogPage> {
    const input = parseInput(args, { trakId, stage, after, first }, 'args');
    const { state } = await this.reads.visible(context, input.trakId);
    const { flow } = state.trak;
    let stageIndex: number | null = null;
    if (input.stage != null) {
      const index = stageIndexOf(flow, input.stage);
      if (index === undefined) {
        throw new ApiError('VALIDATION_FAILED', `args.stage: "${input.stage}" is not a stage of flow "${flow.name}" (${flow.stages.map((s) => s.name).join(', ')})`, {
          field: 'args.stage',
        });
      }
      stageIndex = index;
    }
    const { rows } = await this.stores.pool.query<Row>(PAGE, [input.trakId, stageIndex, input.after ?? '0', input.first + 1]);
    const lines = rows.slice(0, input.first).map((r) => {
      const ref: JobRef =
        r.job_kind === 'integration' ? { trakId: input.trakId, kind: 'integration' } : { trakId: input.trakId, kind: r.job_kind, stageIndex: r.stage_index!, iteration: r.iteration! };
      return logLineView(Number(r.stream_seq), r.job_id, ref, r.line, flow);
    });
    const last = lines[lines.length - 1];
    return { lines, hasMore: rows.length > input.first, ...(last !== undefined && { endCursor: last.cursor }) };
  }
}
