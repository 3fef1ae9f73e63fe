import { describeServiceShell } from '@orkestra/testing';
import { RUNNER_CONFIG, createApp, loadRunnerConfig } from '../src/index.js';

describeServiceShell('runner', async () => {
  const config = loadRunnerConfig({ ORK_RUNNER_PORT: '0' });
  return { config, configToken: RUNNER_CONFIG, app: await createApp(config, { logger: false }) };
});
