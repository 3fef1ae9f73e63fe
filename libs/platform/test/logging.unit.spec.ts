import { describe, expect, it } from '@jest/globals';
import { ConfigError, NestLogger, createLogger, logSettingsFromEnv, serviceLogger, withCorrelationId } from '../src/index.js';
import type { LogFormat } from '../src/index.js';

/** A destination that keeps what the logger writes. */
function captured(format: LogFormat = 'json') {
  const written: string[] = [];
  const root = createLogger({ format, destination: { write: (text: string) => void written.push(text) } });
  return { root, written, lines: () => written.join('').split('\n').filter(Boolean) };
}

const parsed = (lines: readonly string[]): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a service logger', () => {
  it('writes one JSON object per line: level, time, service, message and the fields as fields', () => {
    const { root, lines } = captured();

    serviceLogger(root, 'runner').info({ jobId: 'trak-1_s0_1', slots: 2 }, 'job taken');

    expect(lines()).toHaveLength(1);
    expect(parsed(lines())).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'runner', jobId: 'trak-1_s0_1', slots: 2, msg: 'job taken' }]);
  });

  it('given work served under a correlation id, puts that id on every line it logs, across awaits and at once with other work', async () => {
    const { root, lines } = captured();
    const logger = serviceLogger(root, 'scheduler');
    const serve = (id: string, pauseMs: number) =>
      withCorrelationId(id, async () => {
        logger.info({ step: 1 }, `${id} began`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        logger.info({ step: 2 }, `${id} ended`);
      });

    await Promise.all([serve('corr-a', 20), serve('corr-b', 5)]);
    logger.info('between');

    expect(parsed(lines()).map(({ msg, correlationId }) => ({ msg, correlationId }))).toEqual([
      { msg: 'corr-a began', correlationId: 'corr-a' },
      { msg: 'corr-b began', correlationId: 'corr-b' },
      { msg: 'corr-b ended', correlationId: 'corr-b' },
      { msg: 'corr-a ended', correlationId: 'corr-a' },
      { msg: 'between', correlationId: undefined },
    ]);
  });

  it('keeps the apps of one process apart when they share a destination', () => {
    const { root, lines } = captured();

    serviceLogger(root, 'api').info('one');
    serviceLogger(root, 'scheduler').child({ context: 'relay' }).warn('two');

    expect(parsed(lines())).toMatchObject([
      { service: 'api', msg: 'one' },
      { service: 'scheduler', context: 'relay', level: 'warn', msg: 'two' },
    ]);
  });

  it('given the pretty format, writes a line a person reads: time, level, service, the id in short, the message, then the fields', async () => {
    const { root, lines } = captured('pretty');

    withCorrelationId('1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9', () => serviceLogger(root, 'api').info({ trakId: 'trak-1' }, 'trak created'));

    expect(lines()).toEqual([expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: api 1b2c3d4e: trak created$/), '    trakId: "trak-1"']);
  });
});

describe('NestLogger (Nest, and `new Logger(context)` of @nestjs/common)', () => {
  const nest = () => {
    const { root, lines } = captured();
    return { logger: new NestLogger(serviceLogger(root, 'api')), lines: () => parsed(lines()) };
  };

  it('given an object with a msg, writes a line with that message and the other keys as fields, never the object as text', () => {
    const { logger, lines } = nest();

    logger.warn({ msg: 'a projection batch failed', projection: 'read.traks', error: 'deadlock' }, 'ReadModels');

    expect(lines()).toEqual([{ level: 'warn', time: expect.any(String), service: 'api', context: 'ReadModels', projection: 'read.traks', error: 'deadlock', msg: 'a projection batch failed' }]);
  });

  it("writes Nest's messages with their context, level and stack", () => {
    const { logger, lines } = nest();

    logger.error('boom', 'Error: boom\n    at x.ts:1', 'Relay');

    expect(lines()).toEqual([{ level: 'error', time: expect.any(String), service: 'api', context: 'Relay', stack: 'Error: boom\n    at x.ts:1', msg: 'boom' }]);
  });

  it("drops Nest's start-up chatter but keeps the app's own info lines", () => {
    const { logger, lines } = nest();

    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('projection caught up', 'ReadModels');

    expect(lines()).toEqual([{ level: 'info', time: expect.any(String), service: 'api', context: 'ReadModels', msg: 'projection caught up' }]);
  });
});

describe('ORK_LOG_FORMAT and ORK_LOG_LEVEL', () => {
  it('log JSON at info by default, and pretty when the output is a terminal', () => {
    expect(logSettingsFromEnv({}, { isTTY: false })).toEqual({ level: 'info', format: 'json' });
    expect(logSettingsFromEnv({}, { isTTY: true })).toEqual({ level: 'info', format: 'pretty' });
  });

  it('override both', () => {
    expect(logSettingsFromEnv({ ORK_LOG_FORMAT: 'json', ORK_LOG_LEVEL: 'debug' }, { isTTY: true })).toEqual({ level: 'debug', format: 'json' });
    expect(logSettingsFromEnv({ ORK_LOG_FORMAT: 'pretty' }, { isTTY: false })).toEqual({ level: 'info', format: 'pretty' });
  });

  it('given a value they do not take, refuse it naming the variable and what it takes', () => {
    expect(() => logSettingsFromEnv({ ORK_LOG_LEVEL: 'verbose' }, { isTTY: false })).toThrow(ConfigError);
    expect(() => logSettingsFromEnv({ ORK_LOG_LEVEL: 'verbose' }, { isTTY: false })).toThrow(
      'ORK_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });
});
