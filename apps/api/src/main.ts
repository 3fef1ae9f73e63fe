import { runMain } from '@orkestra/platform';
import { API_SERVICE, loadApiConfig } from './api.config.js';
import { createApp } from './create-app.js';

await runMain(API_SERVICE, () => createApp(loadApiConfig(process.env)));
