import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orkestra/platform';
import { loadApiConfig } from '../src/index.js';

describe('api config', () => {
  it('defaults to 127.0.0.1:4101 with its mirrors under ~/.orkestra/api and no database', () => {
    const config = loadApiConfig({});
    expect(config).toMatchObject({ port: 4101, host: '127.0.0.1', natsNamespace: '' });
    expect(config.dataDir).toMatch(/\.orkestra\/api$/);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads ORK_API_PORT, ORK_API_HOST and ORK_API_DATABASE_URL', () => {
    expect(loadApiConfig({ ORK_API_PORT: '8080', ORK_API_HOST: '0.0.0.0', ORK_API_DATABASE_URL: 'postgres://p@h:5432/o' })).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://p@h:5432/o',
    });
  });

  it('posts webhooks with a 10 s timeout, retrying 10 s doubling for 8 attempts unless told otherwise', () => {
    expect(loadApiConfig({})).toMatchObject({ webhookTimeoutSeconds: 10, webhookBackoffMs: 10_000, webhookMaxAttempts: 8 });
    expect(
      loadApiConfig({ ORK_API_WEBHOOK_TIMEOUT_SECONDS: '3', ORK_API_WEBHOOK_BACKOFF_MS: '250', ORK_API_WEBHOOK_MAX_ATTEMPTS: '4' }),
    ).toMatchObject({ webhookTimeoutSeconds: 3, webhookBackoffMs: 250, webhookMaxAttempts: 4 });
    expect(() => loadApiConfig({ ORK_API_WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/ORK_API_WEBHOOK_MAX_ATTEMPTS: expected an integer between 1 and 30/);
  });

  it('refuses a bad port and an unknown ORK_API_ variable, naming both', () => {
    expect(() => loadApiConfig({ ORK_API_PORT: 'abc', ORK_API_PROT: '1' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ ORK_API_PORT: 'abc', ORK_API_PROT: '1' })).toThrow(/ORK_API_PROT: is not a known setting[\s\S]*ORK_API_PORT: expected an integer between 0 and 65535, got "abc"/);
  });
});
