import { IssueTokenResolver } from './issue-token/issue-token.resolver.js';
import { MeResolver } from './me/me.resolver.js';
import { RegisterUserResolver } from './register-user/register-user.resolver.js';
import { RevokeTokenResolver } from './revoke-token/revoke-token.resolver.js';
import { UserTokens } from './user-tokens.service.js';

export const USER_RESOLVERS = [MeResolver, RegisterUserResolver, IssueTokenResolver, RevokeTokenResolver];
export const USER_SERVICES = [UserTokens];
