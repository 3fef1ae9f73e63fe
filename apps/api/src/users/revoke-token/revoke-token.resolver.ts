import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { User } from '../user.model.js';
import { UserTokens } from '../user-tokens.service.js';
import { userView } from '../user-view.js';

@InputType()
export class RevokeTokenInput {
  @Field(() => String, { nullable: true, description: 'Whose token; default yours.' }) userId?: string | null;
  @Field(() => String) tokenId!: string;
}

const revokeTokenInput = z.object({ userId: z.string().trim().min(1, 'must not be blank').nullish(), tokenId: z.string().trim().min(1, 'must not be blank') });

@Resolver()
export class RevokeTokenResolver {
  constructor(
    private readonly stores: ApiStores,
    private readonly tokens: UserTokens,
  ) {}

  @Mutation(() => User, { description: 'Revokes an API token: requests with it are refused within a few seconds.' })
  async revokeToken(@Args('input', { type: () => RevokeTokenInput }) args: RevokeTokenInput, @Context() context: ApiContext): Promise<User> {
    const input = parseInput(revokeTokenInput, args);
    const userId = input.userId ?? context.caller.userId;
    await this.tokens.requireManager(context.caller, userId);
    const result = await this.stores.users.handle(userId, { type: 'RevokeToken', data: { tokenId: input.tokenId } }, { actor: context.caller.userId });
    if (result.state.status === 'Initial') throw new Error(`User ${userId} vanished while a token was revoked`);
    return userView(result.state);
  }
}
