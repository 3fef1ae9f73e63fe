import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { instancePermits } from '@orkestra/domain';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { IssuedToken } from '../user.model.js';
import { UserTokens } from '../user-tokens.service.js';

@InputType()
export class RegisterUserInput {
  @Field(() => String, { description: 'A slug: lowercase letters, digits, "-" and "_".' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true, description: '`human` (default) or `service` (a gateway, a runner, a bot).' }) kind?: string | null;
  @Field(() => Boolean, { nullable: true }) instanceAdmin?: boolean | null;
  @Field(() => String, { nullable: true, description: 'When the first token stops working (ISO-8601); never when absent.' }) tokenExpiresAt?: string | null;
}

const registerUserInput = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a slug of lowercase letters, digits, "-" and "_" (at most 64)'),
  name: z.string().trim().min(1, 'must not be blank').max(200, 'must be at most 200 characters'),
  email: z.email('must be an email address').nullish(),
  kind: z.enum(['human', 'service'], { error: 'must be "human" or "service"' }).nullish(),
  instanceAdmin: z.boolean().nullish(),
  tokenExpiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time' }).nullish(),
});

@Resolver()
export class RegisterUserResolver {
  constructor(
    private readonly stores: ApiStores,
    private readonly tokens: UserTokens,
  ) {}

  @Mutation(() => IssuedToken, { description: 'Registers a user or a service (instance admins only) and issues its first token, shown once.' })
  async registerUser(@Args('input', { type: () => RegisterUserInput }) args: RegisterUserInput, @Context() context: ApiContext): Promise<IssuedToken> {
    const input = parseInput(registerUserInput, args);
    if (!instancePermits(context.caller, 'registerUser')) throw new ApiError('FORBIDDEN', 'Only instance admins register users');
    await this.stores.users.handle(
      input.id,
      {
        type: 'RegisterUser',
        data: {
          userId: input.id,
          name: input.name,
          kind: input.kind ?? 'human',
          instanceAdmin: input.instanceAdmin ?? false,
          ...(input.email != null && { email: input.email }),
        },
      },
      { actor: context.caller.userId },
    );
    return this.tokens.issue(context.caller.userId, input.id, 'first token', input.tokenExpiresAt ?? undefined);
  }
}
