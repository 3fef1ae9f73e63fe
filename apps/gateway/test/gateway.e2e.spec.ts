import { describeServiceShell } from '@orkestra/testing';
import { GATEWAY_CONFIG, createApp, loadGatewayConfig } from '../src/index.js';

describeServiceShell('gateway', async () => {
  const config = loadGatewayConfig({ ORK_GATEWAY_PORT: '0' });
  return { config, configToken: GATEWAY_CONFIG, app: await createApp(config, { logger: false }) };
});
