import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { mayManageTokensOf } from '@orkestra/domain';
import { newApiToken } from '../auth/api-token.js';
import type { Caller } from '../auth/caller.js';
import { ApiError } from '../shell/api-error.js';
import { lookupApiToken } from '@orkestra/read-models';
import { ApiStores } from '../shell/api-stores.js';
import { ReadModels } from '../shell/read-models.service.js';
import type { IssuedToken } from './user.model.js';
import { userView } from './user-view.js';

/** Issuing tokens: a fresh secret, its hash into the log, the secret back to the caller once. */
@Injectable()
export class UserTokens {
  constructor(
    private readonly stores: ApiStores,
    private readonly readModels: ReadModels,
  ) {}

  async issue(actor: string, userId: string, name: string, expiresAt: string | undefined, tokenId = `tok_${randomBytes(6).toString('hex')}`): Promise<IssuedToken> {
    const { token, hash } = newApiToken();
    const result = await this.stores.users.handle(
      userId,
      { type: 'IssueToken', data: { tokenId, name, tokenHash: hash, ...(expiresAt !== undefined && { expiresAt }) } },
      { actor },
    );
    if (result.state.status === 'Initial') throw new Error(`User ${userId} vanished while a token was issued`);
    // The token works from the moment it is handed out: the read model requests are checked against knows it.
    await this.readModels.settle('read.users', async () => (await lookupApiToken(this.stores.pool, hash)) !== undefined);
    const user = userView(result.state);
    return { user, info: user.tokens.find((t) => t.id === tokenId)!, token };
  }

  /** Users manage their own tokens; instance admins everyone's. NOT_FOUND otherwise, so user ids do not leak. */
  async requireManager(caller: Caller, userId: string): Promise<void> {
    if (mayManageTokensOf(caller, userId)) return;
    throw new ApiError('NOT_FOUND', `User ${userId} does not exist or is not visible to you`, { details: { id: userId } });
  }
}
