import { Context, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiStores } from '../../shell/api-stores.js';
import { User } from '../user.model.js';
import { userView } from '../user-view.js';

@ObjectType()
export class Membership {
  @Field(() => String) projectId!: string;
  @Field(() => String) role!: string;
}

@ObjectType({ description: 'Who you are to the api, and your roles.' })
export class Me {
  @Field(() => User) user!: User;
  @Field(() => String, { description: 'The token this request was authenticated with.' }) tokenId!: string;
  @Field(() => [Membership]) memberships!: Membership[];
}

@Resolver()
export class MeResolver {
  constructor(private readonly stores: ApiStores) {}

  @Query(() => Me, { description: 'The caller: user, token and project roles.' })
  async me(@Context() context: ApiContext): Promise<Me> {
    const { state } = await this.stores.users.read(context.caller.userId);
    if (state.status === 'Initial') throw new Error(`The authenticated user ${context.caller.userId} has no stream`);
    const { rows } = await this.stores.pool.query<{ project_id: string; role: string }>(
      'SELECT project_id, role FROM read.project_members WHERE user_id = $1 ORDER BY project_id',
      [context.caller.userId],
    );
    return { user: userView(state), tokenId: context.caller.tokenId, memberships: rows.map((r) => ({ projectId: r.project_id, role: r.role })) };
  }
}
