import type { Client } from 'graphql-ws';
import { z } from 'zod';
import { cliErrorFromGraphQL, graphqlErrorSchema } from './api-errors.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { websocketEndpoint } from './server-url.js';

/** The next step whenever the server cannot be reached. */
export const UNREACHABLE_HINT = 'Is the server running? Start it with `ork up`, or check --server / `ork login`.';

const responseSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(graphqlErrorSchema).optional(),
});

export interface GraphQLClientOptions {
  /** The api's GraphQL endpoint (`http://host:port/graphql`). */
  readonly endpoint: string;
  readonly token: string;
  /** How long one HTTP request may take; default 30 s. */
  readonly timeoutMs?: number;
}

export interface RequestOptions {
  /** Overrides the client's timeout; 0: wait as long as it takes (e.g. a rebuild of every read model). */
  readonly timeoutMs?: number;
}

/** Network failures after which a request may have reached the server: safe to send again, as every mutation carries its idempotency key. */
const RESENDABLE = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const RESEND_PAUSES_MS = [200, 800];

/**
 * `ork`'s one way to the server: GraphQL over HTTP with the bearer token, and subscriptions over
 * graphql-ws. Every answer is parsed with the caller's zod schema; every failure becomes a
 * {@link CliError} with the documented exit code and what to do next.
 */
export class GraphQLClient {
  constructor(private readonly options: GraphQLClientOptions) {}

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** Runs a query or mutation and answers its `data`, parsed with `schema`. */
  async request<S extends z.ZodType>(document: string, variables: Readonly<Record<string, unknown>>, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const body = JSON.stringify({ query: document, variables });
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(body, schema, options);
      } catch (error) {
        const pause = RESEND_PAUSES_MS[attempt];
        if (pause === undefined || !(error instanceof LostRequest)) throw error instanceof LostRequest ? error.failure : error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /**
   * Subscribes and yields each update parsed with `schema` until the server completes, the
   * signal aborts (then it simply ends) or something fails (then it throws a {@link CliError}).
   */
  async *subscribe<S extends z.ZodType>(document: string, variables: Readonly<Record<string, unknown>>, schema: S, signal?: AbortSignal): AsyncGenerator<z.infer<S>> {
    const aborted = (): boolean => signal?.aborted === true;
    if (aborted()) return;
    // Loaded on first use: most commands never subscribe, and these two take longer to load than the rest of ork.
    const [{ createClient }, { default: WebSocket }] = await Promise.all([import('graphql-ws'), import('ws')]);
    const client: Client = createClient({
      url: websocketEndpoint(this.options.endpoint),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.options.token}` },
      retryAttempts: 0,
      lazy: true,
      connectionAckWaitTimeout: 10_000,
    });
    const updates = client.iterate({ query: document, variables: { ...variables } });
    const stop = () => void updates.return?.(undefined);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const result of updates) {
        if (result.errors !== undefined && result.errors.length > 0) throw cliErrorFromGraphQL(graphqlErrorSchema.parse(result.errors[0]));
        yield this.parseData(result.data, schema);
      }
    } catch (error) {
      if (aborted() && !(error instanceof CliError)) return;
      throw error instanceof CliError ? error : this.subscriptionFailure(error);
    } finally {
      signal?.removeEventListener('abort', stop);
      await client.dispose();
    }
  }

  private async send<S extends z.ZodType>(body: string, schema: S, options: RequestOptions): Promise<z.infer<S>> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    let response: Response;
    try {
      response = await fetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.options.token}` },
        body,
        ...(timeoutMs > 0 && { signal: AbortSignal.timeout(timeoutMs) }),
      });
    } catch (error) {
      const failure = this.networkFailure(error, timeoutMs);
      throw RESENDABLE.has(networkCode(error) ?? '') ? new LostRequest(failure) : failure;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new LostRequest(this.networkFailure(error, timeoutMs));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (response.status === 502 || response.status === 503 || response.status === 504) throw new LostRequest(this.notGraphQL(response.status));
      throw this.notGraphQL(response.status);
    }
    const envelope = responseSchema.safeParse(json);
    if (!envelope.success) throw this.notGraphQL(response.status);
    const first = envelope.data.errors?.[0];
    if (first !== undefined) throw cliErrorFromGraphQL(first);
    return this.parseData(envelope.data.data, schema);
  }

  private parseData<S extends z.ZodType>(data: unknown, schema: S): z.infer<S> {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`)
      .join('; ');
    throw new CliError(`the server's answer is not what ork expects (${where})`, EXIT.internal, 'ork and the server are probably of different versions: use the ork that came with the server.', {
      code: 'UNEXPECTED_ANSWER',
    });
  }

  private networkFailure(error: unknown, timeoutMs: number): CliError {
    const code = networkCode(error);
    const reason =
      nameOf(error) === 'TimeoutError' || nameOf(error) === 'AbortError'
        ? `no answer within ${timeoutMs < 1_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1_000)} s`}`
        : code === 'ECONNREFUSED'
          ? 'connection refused'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'its host name does not resolve'
            : (code ?? deepestMessage(error));
    return new CliError(`cannot reach the server at ${this.options.endpoint}: ${reason}`, EXIT.unreachable, UNREACHABLE_HINT, { code: 'UNREACHABLE', reason });
  }

  private notGraphQL(status: number): CliError {
    return new CliError(
      `the server at ${this.options.endpoint} answered HTTP ${status} without a GraphQL answer`,
      EXIT.unreachable,
      'Check --server / `ork login`: it should be the Orkestra server’s URL, e.g. http://127.0.0.1:4101.',
      { code: 'NOT_GRAPHQL', status },
    );
  }

  private subscriptionFailure(error: unknown): CliError {
    // graphql-ws rejects with the server's errors (an array), a close event, or the socket's error.
    if (Array.isArray(error)) {
      const first = graphqlErrorSchema.safeParse(error[0]);
      if (first.success) return cliErrorFromGraphQL(first.data);
    }
    const close = z.object({ code: z.number(), reason: z.string().optional() }).safeParse(error);
    if (close.success && !(error instanceof Error)) {
      if (close.data.code === 4403) return new CliError('the server refused the token for live updates', EXIT.unauthenticated, 'Run `ork login` with a valid token (or pass --token / set ORK_TOKEN).', { code: 'UNAUTHENTICATED' });
      if (close.data.code >= 4400 && close.data.code < 4500) {
        return new CliError(`the server closed the live connection: ${close.data.reason ?? close.data.code}`, EXIT.internal, 'ork and the server are probably of different versions.', { code: 'CLOSED', closeCode: close.data.code });
      }
      return new CliError(`lost the live connection to ${this.options.endpoint} (${close.data.reason || `close code ${close.data.code}`})`, EXIT.unreachable, UNREACHABLE_HINT, { code: 'UNREACHABLE', closeCode: close.data.code });
    }
    return this.networkFailure(error, 0);
  }
}

/** A request lost on the way (connection reset, gateway error): it may be sent again. */
class LostRequest extends Error {
  constructor(readonly failure: CliError) {
    super(failure.message);
  }
}

/** An error's name, also for a DOMException from another realm (fetch's timeout), which is no `instanceof Error` there. */
const nameOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined);

/** The innermost message of a chain of causes (`fetch failed` says less than its cause). */
function deepestMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let cause = (error as { cause?: unknown } | undefined)?.cause, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) message = cause.message;
  return message;
}

/** The system error code behind a failed fetch or socket (`ECONNREFUSED`, `ENOTFOUND`…). */
function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown[] }).errors?.[0]; // AggregateError (IPv4 and IPv6 both refused)
    current = nested ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}
