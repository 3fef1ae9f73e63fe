import { tokenValidity } from '@orkestra/domain';
import { lookupApiToken } from '@orkestra/read-models';
import type pg from 'pg';
import { ApiError } from '../shell/api-error.js';
import { bearerToken, hashApiToken } from './api-token.js';
import type { Caller } from './caller.js';

export interface AuthenticatorOptions {
  /** How long a token's verdict is reused before it is looked up again. Default 2 s. */
  readonly cacheMs?: number;
  readonly clock?: () => Date;
}

/**
 * Finds the caller of a request from its API token. Verdicts are cached briefly so a busy client
 * costs one lookup per token every couple of seconds; a revoked token stops working within that.
 */
export class Authenticator {
  private readonly cache = new Map<string, { readonly until: number; readonly verdict: Caller | string }>();
  private readonly cacheMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly pool: pg.Pool,
    options: AuthenticatorOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 2_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The caller presenting this `Authorization` value, or UNAUTHENTICATED saying why not. */
  async authenticate(authorization: unknown): Promise<Caller> {
    const token = bearerToken(authorization);
    if (token === undefined) {
      throw new ApiError('UNAUTHENTICATED', 'No API token: send `Authorization: Bearer <token>` (WebSocket: connection parameter `authorization`)');
    }
    const verdict = await this.verdict(hashApiToken(token));
    if (typeof verdict === 'string') throw new ApiError('UNAUTHENTICATED', verdict);
    return verdict;
  }

  private async verdict(hash: string): Promise<Caller | string> {
    const now = this.clock();
    const cached = this.cache.get(hash);
    if (cached !== undefined && cached.until > now.getTime()) return cached.verdict;
    const found = await lookupApiToken(this.pool, hash);
    const validity = tokenValidity(found, now.toISOString());
    const verdict: Caller | string =
      validity.valid && found !== undefined
        ? { userId: found.user.userId, name: found.user.name, kind: found.user.kind, instanceAdmin: found.user.instanceAdmin, tokenId: found.token.tokenId }
        : `API token refused: ${validity.valid ? 'not known' : validity.message}`;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { until: now.getTime() + this.cacheMs, verdict });
    return verdict;
  }
}
