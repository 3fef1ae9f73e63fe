import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orkestra/platform';
import { loadGatewayConfig } from '../src/index.js';

describe('gateway config', () => {
  it('defaults to 127.0.0.1:4100', () => {
    expect(loadGatewayConfig({})).toEqual({ port: 4100, host: '127.0.0.1' });
  });

  it('reads ORK_GATEWAY_PORT and ORK_GATEWAY_HOST', () => {
    expect(loadGatewayConfig({ ORK_GATEWAY_PORT: '8080', ORK_GATEWAY_HOST: '0.0.0.0' })).toEqual({ port: 8080, host: '0.0.0.0' });
  });

  it('refuses a bad port and an unknown ORK_GATEWAY_ variable, naming both', () => {
    expect(() => loadGatewayConfig({ ORK_GATEWAY_PORT: 'abc', ORK_GATEWAY_PROT: '1' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ORK_GATEWAY_PORT: 'abc', ORK_GATEWAY_PROT: '1' })).toThrow(
      [
        'Invalid configuration (2 problems):',
        '  ORK_GATEWAY_PROT: is not a known setting (known: ORK_GATEWAY_CONFIG_FILE, ORK_GATEWAY_HOST, ORK_GATEWAY_PORT)',
        '  ORK_GATEWAY_PORT: expected an integer between 0 and 65535, got "abc"',
      ].join('\n'),
    );
  });
});
