import { describeServiceShell } from '@orkestra/testing';
import { SCHEDULER_CONFIG, createApp, loadSchedulerConfig } from '../src/index.js';

describeServiceShell('scheduler', async () => {
  const config = loadSchedulerConfig({ ORK_SCHEDULER_PORT: '0' });
  return { config, configToken: SCHEDULER_CONFIG, app: await createApp(config, { logger: false }) };
});
