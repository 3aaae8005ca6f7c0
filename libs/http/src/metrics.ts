import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Histogram, collectDefaultMetrics, register } from 'prom-client';
import { Public } from '@openlgsp/auth';

let defaultsCollected = false;
export function collectProcessMetrics(): void {
  if (!defaultsCollected) collectDefaultMetrics();
  defaultsCollected = true;
}

export const httpDuration =
  (register.getSingleMetric('lgsp_http_request_duration_seconds') as Histogram<string>) ??
  new Histogram({
    name: 'lgsp_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

/**
 * Prometheus text format, scraped on the service's own port; a request that came through the gateway
 * or the ingress is answered 404 (see `operatorsOnly` in bootstrap).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
