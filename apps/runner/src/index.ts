export { RunnerModule } from './app.module.js';
export { createApp } from './create-app.js';
export type { CreateRunnerOptions } from './create-app.js';
export { RUNNER_CONFIG, RUNNER_SERVICE, runnerConfigSchema, loadRunnerConfig, servesProject } from './runner.config.js';
export type { RunnerConfig } from './runner.config.js';
export { runnerNameFromHostname, RUNNER_NAME_PATTERN } from './runner-name.js';
