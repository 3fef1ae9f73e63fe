import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { GATEWAY_CONFIG, createApp, loadGatewayConfig } from '../src/index.js';
import type { GatewayConfig } from '../src/index.js';

describe('gateway app', () => {
  let app: INestApplication;
  let config: GatewayConfig;
  let url: string;

  beforeAll(async () => {
    config = loadGatewayConfig({ ORK_GATEWAY_PORT: '0' });
    app = await createApp(config, { logger: false });
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers /health with its service name', async () => {
    const response = await fetch(`${url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'gateway', uptimeSeconds: expect.any(Number) });
  });

  it('answers /ready with 200 (no dependencies yet)', async () => {
    const response = await fetch(`${url}/ready`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: {} });
  });

  it('provides its frozen config under GATEWAY_CONFIG', () => {
    expect(app.get(GATEWAY_CONFIG)).toBe(config);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
