import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { IssuedToken } from '../user.model.js';
import { UserTokens } from '../user-tokens.service.js';

@InputType()
export class IssueTokenInput {
  @Field(() => String, { nullable: true, description: 'Whose token; default yours (instance admins may issue for anyone).' }) userId?: string | null;
  @Field(() => String, { description: 'What it is for, e.g. `laptop` or `ci`.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'When it stops working (ISO-8601); never when absent.' }) expiresAt?: string | null;
}

const issueTokenInput = z.object({
  userId: z.string().trim().min(1, 'must not be blank').nullish(),
  name: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters'),
  expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time' }).nullish(),
});

@Resolver()
export class IssueTokenResolver {
  constructor(private readonly tokens: UserTokens) {}

  @Mutation(() => IssuedToken, { description: 'Issues an API token; its secret is in the answer and never shown again.' })
  async issueToken(@Args('input', { type: () => IssueTokenInput }) args: IssueTokenInput, @Context() context: ApiContext): Promise<IssuedToken> {
    const input = parseInput(issueTokenInput, args);
    const userId = input.userId ?? context.caller.userId;
    await this.tokens.requireManager(context.caller, userId);
    return this.tokens.issue(context.caller.userId, userId, input.name, input.expiresAt ?? undefined);
  }
}
