import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloDriver } from '@nestjs/apollo';
import type { SubscriptionConfig } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import type { Caller } from '../auth/caller.js';
import { sharedSubscribe } from '../subscriptions/shared-execution.js';
import { ApiError } from './api-error.js';
import type { ApiContextFactory } from './api-context.factory.js';

interface HttpContextArgs {
  readonly req: { readonly headers: Readonly<Record<string, unknown>> };
}

interface SocketContextArgs {
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly extra: { caller?: Caller };
}

/**
 * Apollo on `/graphql` for queries and mutations, graphql-ws on the same path for subscriptions.
 * HTTP requests authenticate per request; a WebSocket authenticates once when it connects
 * (connection parameter `authorization`) and is refused (close code 4403) without a valid token.
 */
export function graphqlOptions(contexts: ApiContextFactory): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // No HTTP caching hints are served, so the cache-control plugin would only wrap every field's resolver for nothing.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
    subscriptions: {
      'graphql-ws': {
        onConnect: async (ctx: Context) => {
          try {
            (ctx.extra as SocketContextArgs['extra']).caller = await contexts.authenticate(ctx.connectionParams?.['authorization']);
            return true;
          } catch {
            return false;
          }
        },
      },
      // Nest hands this to graphql-ws with the rest; its config type leaves it out.
      ...({ subscribe: sharedSubscribe } as SubscriptionConfig),
    },
    context: async (args: HttpContextArgs | SocketContextArgs) => {
      if ('req' in args && args.req !== undefined) return contexts.forCaller(await contexts.authenticate(args.req.headers['authorization']));
      const caller = (args as SocketContextArgs).extra?.caller;
      if (caller === undefined) throw new ApiError('UNAUTHENTICATED', 'This connection did not authenticate');
      return contexts.forCaller(caller);
    },
  };
}
