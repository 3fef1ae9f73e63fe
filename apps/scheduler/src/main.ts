import { runMain } from '@orkestra/platform';
import { SCHEDULER_SERVICE, loadSchedulerConfig } from './scheduler.config.js';
import { createApp } from './create-app.js';

await runMain(SCHEDULER_SERVICE, () => createApp(loadSchedulerConfig(process.env)));
