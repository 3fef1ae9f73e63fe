import { Args, Context, Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { KnownTrakState } from '@orkestra/domain';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { PageInfo, decodeCursor, encodeCursor } from '../../shell/relay.js';
import { Trak } from '../trak.model.js';
import { trakView } from '../trak-view.js';
import { TrakFilter, listTraksArgs } from './list-traks.input.js';

@ObjectType()
export class TrakEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Trak) node!: Trak;
}

@ObjectType({ description: 'A page of Traks, newest first.' })
export class TrakConnection {
  @Field(() => [TrakEdge]) edges!: TrakEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

interface Row {
  trak_id: string;
  created_at: Date;
  updated_at: Date;
  stream_position: string;
  state: KnownTrakState;
}

const PAGE = `
SELECT trak_id, created_at, updated_at, stream_position, state FROM read.traks
WHERE ($1::text[] IS NULL OR project_id = ANY($1))
  AND ($2::text[] IS NULL OR status = ANY($2))
  AND ($3::boolean IS NULL OR (attention IS NOT NULL) = $3)
  AND ($4::text IS NULL OR parent_id = $4)
  AND ($5::text IS NULL OR title ILIKE $5 OR description ILIKE $5)
  AND ($6::timestamptz IS NULL OR (created_at, trak_id) < ($6, $7))
ORDER BY created_at DESC, trak_id DESC
LIMIT $8`;

@Resolver()
export class ListTraksResolver {
  constructor(private readonly stores: ApiStores) {}

  @Query(() => TrakConnection, {
    description: 'Traks of the projects you can read, newest first, a page at a time (read from a read model that follows the log within milliseconds).',
  })
  async traks(
    @Args('filter', { type: () => TrakFilter, nullable: true }) filter: TrakFilter | null | undefined,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @Context() context: ApiContext,
  ): Promise<TrakConnection> {
    const input = parseInput(listTraksArgs, { filter, first, after }, 'args');
    const f = input.filter ?? {};
    const projects = await this.projectsToList(context, f.project ?? undefined);
    if (projects !== 'all' && projects.length === 0) return { edges: [], pageInfo: { hasNextPage: false } };
    const [createdAt, trakId] = input.after == null ? [null, null] : decodeCursor(input.after, 'args.after', ['string', 'string']);
    const { rows } = await this.stores.pool.query<Row>(PAGE, [
      projects === 'all' ? null : projects,
      f.status ?? null,
      f.needsHuman ?? null,
      f.parent ?? null,
      f.search == null || f.search.trim() === '' ? null : `%${f.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      createdAt,
      trakId,
      input.first + 1,
    ]);
    const edges = rows.slice(0, input.first).map((row) => ({
      cursor: encodeCursor([row.created_at.toISOString(), row.trak_id]),
      node: trakView(row.state, Number(row.stream_position), row.updated_at.toISOString()),
    }));
    const last = edges[edges.length - 1];
    return { edges, pageInfo: { hasNextPage: rows.length > input.first, ...(last !== undefined && { endCursor: last.cursor }) } };
  }

  /** The projects to list: the one asked for (if the caller may read it), else every project the caller can read. */
  private async projectsToList(context: ApiContext, project: string | undefined): Promise<readonly string[] | 'all'> {
    if (project !== undefined) {
      await context.access.require(project, 'read', { kind: 'Project', id: project });
      return [project];
    }
    return context.access.readable();
  }
}
