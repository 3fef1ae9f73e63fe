import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { RUNNER_CONFIG, createApp, loadRunnerConfig } from '../src/index.js';
import type { RunnerConfig } from '../src/index.js';

describe('runner app', () => {
  let app: INestApplication;
  let config: RunnerConfig;
  let url: string;

  beforeAll(async () => {
    config = loadRunnerConfig({ ORK_RUNNER_PORT: '0' });
    app = await createApp(config, { logger: false });
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers /health with its service name', async () => {
    const response = await fetch(`${url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'runner', uptimeSeconds: expect.any(Number) });
  });

  it('answers /ready with 200 (no dependencies yet)', async () => {
    const response = await fetch(`${url}/ready`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: {} });
  });

  it('provides its frozen config under RUNNER_CONFIG', () => {
    expect(app.get(RUNNER_CONFIG)).toBe(config);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
