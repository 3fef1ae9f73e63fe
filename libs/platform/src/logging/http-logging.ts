import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { newCorrelationId, parseCorrelationId, withCorrelationId } from './correlation.js';

/** The request header a client names its correlation id in; the response echoes the id served. */
export const CORRELATION_ID_HTTP_HEADER = 'x-correlation-id';

/** Probes and scrapes, asked many times a minute: logged at `debug` only, whatever their status. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * What every HTTP request goes through: it is served under a correlation id (the client's
 * `x-correlation-id` when it is usable, else a new one, echoed in the response), and one line is
 * logged when it ends, with its method, path, status and time; the GraphQL operation's name too.
 * No headers are logged, so no token reaches the log.
 *
 * `logger` must not add the correlation id itself (a plain `child` of the root, not
 * `serviceLogger`): the line comes after the request, outside its serving, and names the id it
 * was given.
 */
export function httpLogging(logger: Logger): Middleware[] {
  const requests = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = parseCorrelationId(req.headers[CORRELATION_ID_HTTP_HEADER]) ?? newCorrelationId();
      res.setHeader(CORRELATION_ID_HTTP_HEADER, id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (req, res, error) => levelOf(pathOf(req), res.statusCode, error),
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${pathOf(req)} ${res.statusCode}`,
    customSuccessObject: (req, res, value: { responseTime: number }) => describe(req, res, value.responseTime),
    customErrorObject: (req, res, error, value: { responseTime: number }) => ({ ...describe(req, res, value.responseTime), err: error }),
  });
  const serve: Middleware = (req, _res, next) => withCorrelationId(String(req.id), next);
  return [requests, serve];
}

function levelOf(path: string, status: number, error: Error | undefined): Level {
  if (QUIET_PATHS.has(path)) return 'debug';
  if (error !== undefined || status >= 500) return 'error';
  return status >= 400 ? 'warn' : 'info';
}

function describe(req: IncomingMessage, res: ServerResponse, responseTime: number): Record<string, unknown> {
  const operation = (req as { body?: { operationName?: unknown } }).body?.operationName;
  return { method: req.method, path: pathOf(req), status: res.statusCode, responseTime, ...(typeof operation === 'string' && { operation }) };
}

/** The path without the query string, which may hold anything. */
const pathOf = (req: IncomingMessage): string => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0]!;
