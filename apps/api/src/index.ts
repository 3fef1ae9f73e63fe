export { ApiModule } from './app.module.js';
export { createApp } from './create-app.js';
export type { CreateApiOptions } from './create-app.js';
export { API_CONFIG, API_SERVICE, apiConfigSchema, loadApiConfig } from './api.config.js';
export type { ApiConfig } from './api.config.js';
