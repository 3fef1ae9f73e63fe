export { GatewayModule } from './app.module.js';
export { createApp } from './create-app.js';
export type { CreateGatewayOptions } from './create-app.js';
export { GATEWAY_CONFIG, GATEWAY_SERVICE, gatewayConfigSchema, loadGatewayConfig } from './gateway.config.js';
export type { GatewayConfig } from './gateway.config.js';
