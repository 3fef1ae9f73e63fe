import { describe, expect, it } from '@jest/globals';
import { ConfigError, JsonLogger, describeStartupFailure } from '../src/index.js';

describe('describeStartupFailure', () => {
  it('prints a config error as text naming each bad key', () => {
    const error = new ConfigError([
      { setting: 'port', source: 'ORK_API_PORT', message: 'expected an integer between 0 and 65535, got "abc"' },
      { setting: 'colour', source: 'api.yaml:2:1 colour', message: 'is not a known setting' },
    ]);

    expect(describeStartupFailure('api', error)).toBe(
      [
        'api: refusing to start. Invalid configuration (2 problems):',
        '  ORK_API_PORT: expected an integer between 0 and 65535, got "abc"',
        '  api.yaml:2:1 colour: is not a known setting',
      ].join('\n'),
    );
  });

  it('prints any other failure as one JSON line', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4101'), { code: 'EADDRINUSE' });

    expect(JSON.parse(describeStartupFailure('api', error))).toMatchObject({
      level: 'fatal',
      service: 'api',
      msg: 'failed to start',
      err: { name: 'Error', code: 'EADDRINUSE', message: 'listen EADDRINUSE: address already in use 127.0.0.1:4101' },
    });
  });
});

describe('JsonLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    return { lines, logger: new JsonLogger('api', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
  };

  it("writes Nest's messages with their context and level", () => {
    const { lines, logger } = capture();

    logger.warn('slow query', 'EventStore');
    logger.error('boom', 'Error: boom\n    at x.ts:1', 'Relay');

    expect(lines).toEqual([
      { level: 'warn', time: expect.any(String), service: 'api', msg: 'slow query', context: 'EventStore' },
      { level: 'error', time: expect.any(String), service: 'api', msg: 'boom', context: 'Relay', stack: 'Error: boom\n    at x.ts:1' },
    ]);
  });

  it('spreads a structured message into the line: its msg, then its fields', () => {
    const { lines, logger } = capture();

    logger.warn({ msg: 'a projection batch failed', projection: 'read.traks', error: 'deadlock' }, 'api');

    expect(lines).toEqual([
      { level: 'warn', time: expect.any(String), service: 'api', msg: 'a projection batch failed', projection: 'read.traks', error: 'deadlock', context: 'api' },
    ]);
  });

  it("drops Nest's start-up chatter but keeps the app's own info lines", () => {
    const { lines, logger } = capture();

    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('projection caught up', 'ReadModels');

    expect(lines).toEqual([{ level: 'info', time: expect.any(String), service: 'api', msg: 'projection caught up', context: 'ReadModels' }]);
  });
});
