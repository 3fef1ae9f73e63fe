import { runMain } from '@orkestra/platform';
import { RUNNER_SERVICE, loadRunnerConfig } from './runner.config.js';
import { createApp } from './create-app.js';

await runMain(RUNNER_SERVICE, () => createApp(loadRunnerConfig(process.env)));
