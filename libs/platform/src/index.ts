export { loadConfig } from './config/load-config.js';
export { CONFIG_FILE_ENV, configFileEnv } from './config/config-file-env.js';
export type { LoadConfigOptions } from './config/load-config.js';
export { parseConfig } from './config/parse-config.js';
export type { Config, Env, ParseConfigInput } from './config/parse-config.js';
export type { ConfigFile } from './config/config-file.js';
export { ConfigError, CONFIG_INVALID, formatConfigIssue } from './config/config.error.js';
export type { ConfigIssue } from './config/config.error.js';
export { integerSetting, portSetting, hostSetting, natsUrlSetting, natsNamespaceSetting, databaseUrlSetting } from './config/setting.schemas.js';
export type { IntegerBounds } from './config/setting.schemas.js';
export { deepFreeze } from './config/deep-freeze.js';
export type { DeepReadonly } from './config/deep-freeze.js';

export { HealthModule } from './health/health.module.js';
export { ReadinessChecks } from './health/readiness-checks.service.js';
export { HEALTH_OPTIONS, DEFAULT_READINESS_TIMEOUT_MS } from './health/health.options.js';
export type { HealthOptions, ReadinessCheck } from './health/health.options.js';
export type { LivenessReport } from './health/health.controller.js';
export type { ReadinessReport } from './health/run-readiness-checks.js';

export { bootstrapApp } from './bootstrap/bootstrap-app.js';
export type { BootstrapOptions } from './bootstrap/bootstrap-app.js';
export { runMain, describeStartupFailure } from './bootstrap/run-main.js';

export { createLogger } from './logging/create-logger.js';
export type { CreateLoggerOptions } from './logging/create-logger.js';
export { logWith, serviceLogger } from './logging/service-logger.js';
export { logSettingsFromEnv, LOG_LEVELS, LOG_FORMATS } from './logging/log-settings.js';
export type { LogFormat, LogLevel, LogSettings } from './logging/log-settings.js';
export { APP_LOGGER, LoggingModule } from './logging/logging.module.js';
export type { AppLogger } from './logging/logging.module.js';
export { NestLogger } from './logging/nest-logger.js';
export { CORRELATION_ID_HTTP_HEADER } from './logging/http-logging.js';
export { currentCorrelationId, newCorrelationId, parseCorrelationId, withCorrelationId } from './logging/correlation.js';
