import { Controller, Get, Header } from '@nestjs/common';
import { SchedulerMetrics } from './scheduler-metrics.js';

/** `GET /metrics` in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: SchedulerMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
