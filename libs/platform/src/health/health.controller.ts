import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { HEALTH_OPTIONS } from './health.options.js';
import type { HealthOptions } from './health.options.js';
import { ReadinessChecks } from './readiness-checks.service.js';
import type { ReadinessReport } from './run-readiness-checks.js';

export interface LivenessReport {
  readonly status: 'ok';
  readonly service: string;
  readonly version?: string;
  readonly uptimeSeconds: number;
}

@Controller()
export class HealthController {
  private readonly startedAt = performance.now();

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    private readonly readiness: ReadinessChecks,
  ) {}

  /** Liveness: the process answers. Checks nothing else, so a slow database never gets it restarted. */
  @Get('health')
  health(): LivenessReport {
    const { service, version } = this.options;
    const uptimeSeconds = Math.floor((performance.now() - this.startedAt) / 1000);
    return { status: 'ok', service, ...(version === undefined ? {} : { version }), uptimeSeconds };
  }

  /** Readiness: every registered check passes (200), or 503 naming the ones that failed. */
  @Get('ready')
  async ready(): Promise<ReadinessReport> {
    const report = await this.readiness.run();
    if (report.status !== 'ready') throw new ServiceUnavailableException(report);
    return report;
  }
}
