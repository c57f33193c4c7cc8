import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ServiceMetrics } from '@lighthouse/observability';
import { Access } from '../auth/access.decorator';

@Access('public')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  /** Prometheus text exposition. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  render(): Promise<string> {
    return this.metrics.render();
  }
}
