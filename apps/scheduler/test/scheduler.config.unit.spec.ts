import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orkestra/platform';
import { loadSchedulerConfig } from '../src/index.js';

describe('scheduler config', () => {
  it('defaults to 127.0.0.1:4102', () => {
    expect(loadSchedulerConfig({})).toEqual({ port: 4102, host: '127.0.0.1' });
  });

  it('reads ORK_SCHEDULER_PORT and ORK_SCHEDULER_HOST', () => {
    expect(loadSchedulerConfig({ ORK_SCHEDULER_PORT: '8080', ORK_SCHEDULER_HOST: '0.0.0.0' })).toEqual({ port: 8080, host: '0.0.0.0' });
  });

  it('refuses a bad port and an unknown ORK_SCHEDULER_ variable, naming both', () => {
    expect(() => loadSchedulerConfig({ ORK_SCHEDULER_PORT: 'abc', ORK_SCHEDULER_PROT: '1' })).toThrow(ConfigError);
    expect(() => loadSchedulerConfig({ ORK_SCHEDULER_PORT: 'abc', ORK_SCHEDULER_PROT: '1' })).toThrow(
      [
        'Invalid configuration (2 problems):',
        '  ORK_SCHEDULER_PROT: is not a known setting (known: ORK_SCHEDULER_CONFIG_FILE, ORK_SCHEDULER_HOST, ORK_SCHEDULER_PORT)',
        '  ORK_SCHEDULER_PORT: expected an integer between 0 and 65535, got "abc"',
      ].join('\n'),
    );
  });
});
