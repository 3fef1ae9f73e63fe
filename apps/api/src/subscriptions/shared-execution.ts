import { createSourceEventStream, execute, print } from 'graphql';
import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';

type Results = AsyncGenerator<ExecutionResult> | ExecutionResult;

/** The printed text of each parsed subscription document, computed once per subscription. */
const texts = new WeakMap<DocumentNode, string>();

/** Results of executing a subscription's selection on one event, by who asked for what. */
const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

/**
 * graphql-js's `subscribe`, except that an event's payload is executed once per distinct
 * subscription (same query, variables and caller), not once per subscriber: a thousand people
 * watching one project cost one execution per event each kind of query. The payload object must be
 * shared among subscribers (the feed hands the same object to all), which keys the cache; it goes
 * away with the payload.
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<Results> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  const key = keyOf(args);
  const iterator = source[Symbol.asyncIterator]();
  const run = (payload: unknown): Promise<ExecutionResult> | ExecutionResult => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let byKey = results.get(payload);
    if (byKey === undefined) results.set(payload, (byKey = new Map()));
    let result = byKey.get(key);
    if (result === undefined) byKey.set(key, (result = execute({ ...args, rootValue: payload })));
    return result;
  };
  return (async function* () {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield await run(next.value);
      }
    } finally {
      await iterator.return?.();
    }
  })();
}

function keyOf(args: ExecutionArgs): string {
  let text = texts.get(args.document);
  if (text === undefined) texts.set(args.document, (text = print(args.document)));
  const caller = (args.contextValue as { caller?: { userId?: string } } | undefined)?.caller?.userId ?? '';
  return JSON.stringify([text, args.operationName ?? null, args.variableValues ?? {}, caller]);
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
