import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_READINESS_TIMEOUT_MS, HEALTH_OPTIONS } from './health.options.js';
import type { HealthOptions, ReadinessCheck } from './health.options.js';
import { runReadinessChecks } from './run-readiness-checks.js';
import type { ReadinessReport } from './run-readiness-checks.js';

/**
 * The checks behind `/ready`: those given to `HealthModule.forRoot`, plus any a provider adds at
 * start (`readiness.register('postgres', …)` in its `onModuleInit`), since HealthModule is global.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly timeoutMs: number;

  constructor(@Inject(HEALTH_OPTIONS) options: HealthOptions) {
    this.timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    for (const [name, check] of Object.entries(options.readinessChecks ?? {})) this.register(name, check);
  }

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`Readiness check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  run(): Promise<ReadinessReport> {
    return runReadinessChecks(this.checks, this.timeoutMs);
  }
}
