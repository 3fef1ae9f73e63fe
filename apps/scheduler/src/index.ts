export { SchedulerModule } from './app.module.js';
export { createApp } from './create-app.js';
export type { CreateSchedulerOptions } from './create-app.js';
export type { SchedulerModuleOptions } from './app.module.js';
export type { RecoveryReport } from './recovery/fresh-bus-recovery.js';
export { SCHEDULER_CONFIG, SCHEDULER_SERVICE, schedulerConfigSchema, loadSchedulerConfig, concurrencyLimits } from './scheduler.config.js';
export type { SchedulerConfig } from './scheduler.config.js';
export { SchedulerService, schedulerConsumers } from './service/scheduler-service.js';
export type { SchedulerServiceOptions } from './service/scheduler-service.js';
