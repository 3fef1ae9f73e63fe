import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, hostSetting, integerSetting, parseConfig, portSetting } from '../src/index.js';
import type { ConfigFile, Env } from '../src/index.js';

const schema = z.strictObject({
  port: portSetting().default(4101).meta({ env: 'ORK_API_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_API_HOST' }),
  slots: integerSetting({ min: 1 }).default(2).meta({ env: 'ORK_API_SLOTS' }),
  limits: z.strictObject({ maxJobs: integerSetting({ min: 1 }).default(10) }).default({ maxJobs: 10 }),
});

const yaml = (...lines: string[]): ConfigFile => ({ name: 'api.yaml', text: `${lines.join('\n')}\n` });

function problems(env: Env, file?: ConfigFile, envPrefix?: string): string[] {
  try {
    parseConfig(schema, { env, file, envPrefix });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n').slice(1).map((line) => line.trim());
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  describe('when nothing is set', () => {
    it('returns the defaults, deeply frozen', () => {
      const config = parseConfig(schema, { env: {} });

      expect(config).toEqual({ port: 4101, host: '127.0.0.1', slots: 2, limits: { maxJobs: 10 } });
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.limits)).toBe(true);
    });
  });

  describe('when the file and the env both set a key', () => {
    it('takes the env var over the file, and the file over the default', () => {
      const file = yaml('port: 5000', 'host: 0.0.0.0', 'limits:', '  maxJobs: 3');

      const config = parseConfig(schema, { env: { ORK_API_PORT: '6000', UNRELATED: 'x' }, file });

      expect(config).toEqual({ port: 6000, host: '0.0.0.0', slots: 2, limits: { maxJobs: 3 } });
    });

    it('treats an empty env var as unset', () => {
      expect(parseConfig(schema, { env: { ORK_API_PORT: '' }, file: yaml('port: 5000') }).port).toBe(5000);
    });
  });

  describe('when values are bad', () => {
    it('refuses a bad env var and an unknown file key, naming each', () => {
      const file = yaml('host: 0.0.0.0', 'colour: blue');

      expect(problems({ ORK_API_PORT: 'abc' }, file)).toEqual([
        'ORK_API_PORT: expected an integer between 0 and 65535, got "abc"',
        'api.yaml:2:1 colour: is not a known setting (known: port, host, slots, limits)',
      ]);
    });

    it('names the file position of a bad value, and nested keys by path', () => {
      const file = yaml('port: 99999', 'limits:', '  maxJobs: 0', '  burst: 4');

      expect(problems({ ORK_API_SLOTS: '1.5' }, file)).toEqual([
        'api.yaml:1:1 port: expected an integer between 0 and 65535, got 99999',
        'ORK_API_SLOTS: expected an integer >= 1, got "1.5"',
        'api.yaml:3:3 limits.maxJobs: expected an integer >= 1, got 0',
        'api.yaml:4:3 limits.burst: is not a known setting',
      ]);
    });

    it('refuses an unknown env var under the app prefix (a typo)', () => {
      expect(problems({ ORK_API_PROT: '5000', ORK_RUNNER_SLOTS: '3' }, undefined, 'ORK_API_')).toEqual([
        'ORK_API_PROT: is not a known setting (known: ORK_API_CONFIG_FILE, ORK_API_HOST, ORK_API_PORT, ORK_API_SLOTS)',
      ]);
    });

    it('says where to set a required key', () => {
      const required = z.strictObject({ token: z.string().meta({ env: 'ORK_API_TOKEN' }), region: z.string() });

      expect(() => parseConfig(required, { env: {} })).toThrow(
        [
          'Invalid configuration (2 problems):',
          '  ORK_API_TOKEN: is required (set ORK_API_TOKEN or "token" in the config file)',
          '  region: is required (set "region" in the config file)',
        ].join('\n'),
      );
    });
  });

  describe('when the file is not a mapping of settings', () => {
    it('reports a yaml syntax error with its position', () => {
      expect(problems({}, yaml('port: 1', 'host: [unclosed'))).toEqual([expect.stringMatching(/^api\.yaml:\d+:\d+: invalid yaml: /)]);
    });

    it('refuses a list at the top level', () => {
      expect(problems({}, yaml('- port: 1'))).toEqual(['api.yaml: expected a mapping of settings (key: value) at the top level']);
    });

    it('accepts an empty file', () => {
      expect(parseConfig(schema, { env: {}, file: yaml('# nothing yet') }).port).toBe(4101);
    });
  });

  describe('ConfigError', () => {
    it('carries a stable code and the issues, also through JSON', () => {
      let caught: unknown;
      try {
        parseConfig(schema, { env: { ORK_API_HOST: 'two words' } });
      } catch (error) {
        caught = error;
      }

      expect(ConfigError.is(caught)).toBe(true);
      const json = JSON.parse(JSON.stringify(caught)) as { name: string; code: string; issues: unknown[] };
      expect(json).toMatchObject({
        name: 'ConfigError',
        code: 'CONFIG.INVALID',
        issues: [{ setting: 'host', source: 'ORK_API_HOST', message: 'expected a host name or IP address, got "two words"' }],
      });
      expect(ConfigError.is(new Error('x'))).toBe(false);
    });
  });
});
