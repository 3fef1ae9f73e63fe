import { Injectable } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.js';
import { CallerAccess } from '../auth/caller-access.js';
import type { Caller } from '../auth/caller.js';
import { TimelineLoaders } from '../traks/timeline/timeline-loaders.js';
import type { ApiContext } from './api-context.js';
import { ApiStores } from './api-stores.js';

/** Builds each operation's {@link ApiContext} from the token of its HTTP request or WebSocket connection. */
@Injectable()
export class ApiContextFactory {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly stores: ApiStores,
  ) {}

  authenticate(authorization: unknown): Promise<Caller> {
    return this.authenticator.authenticate(authorization);
  }

  forCaller(caller: Caller): ApiContext {
    return { caller, access: new CallerAccess(caller, this.stores.pool), timeline: new TimelineLoaders(this.stores.pool) };
  }
}
