import { describeServiceShell } from '@orkestra/testing';
import { API_CONFIG, createApp, loadApiConfig } from '../src/index.js';

describeServiceShell('api', async () => {
  const config = loadApiConfig({ ORK_API_PORT: '0' });
  return { config, configToken: API_CONFIG, app: await createApp(config, { logger: false }) };
});
