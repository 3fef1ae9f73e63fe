import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orkestra/platform';
import { loadApiConfig } from '../src/index.js';

describe('api config', () => {
  it('defaults to 127.0.0.1:4101', () => {
    expect(loadApiConfig({})).toEqual({ port: 4101, host: '127.0.0.1' });
  });

  it('reads ORK_API_PORT and ORK_API_HOST', () => {
    expect(loadApiConfig({ ORK_API_PORT: '8080', ORK_API_HOST: '0.0.0.0' })).toEqual({ port: 8080, host: '0.0.0.0' });
  });

  it('refuses a bad port and an unknown ORK_API_ variable, naming both', () => {
    expect(() => loadApiConfig({ ORK_API_PORT: 'abc', ORK_API_PROT: '1' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ ORK_API_PORT: 'abc', ORK_API_PROT: '1' })).toThrow(
      [
        'Invalid configuration (2 problems):',
        '  ORK_API_PROT: is not a known setting (known: ORK_API_CONFIG_FILE, ORK_API_HOST, ORK_API_PORT)',
        '  ORK_API_PORT: expected an integer between 0 and 65535, got "abc"',
      ].join('\n'),
    );
  });
});
