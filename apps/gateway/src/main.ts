import { runMain } from '@orkestra/platform';
import { GATEWAY_SERVICE, loadGatewayConfig } from './gateway.config.js';
import { createApp } from './create-app.js';

await runMain(GATEWAY_SERVICE, () => createApp(loadGatewayConfig(process.env)));
