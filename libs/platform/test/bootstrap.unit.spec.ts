import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeStartupFailure } from '../src/index.js';

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
