import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceMetrics } from '@lighthouse/observability';
import { MESSAGE_BUS, NatsBus } from '@lighthouse/transport';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { GatewayHealthModule } from './health/health.module';
import { MetricsController } from './metrics/metrics.controller';

@Module({})
export class AppModule {
  /** The root module, given the validated configuration, metrics and a connected bus. */
  static register(config: GatewayConfig, metrics: ServiceMetrics, bus: NatsBus): DynamicModule {
    const shared = {
      module: AppModule,
      global: true,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: BusCloser, useFactory: () => new BusCloser(bus) },
      ],
      exports: [GATEWAY_CONFIG, ServiceMetrics, MESSAGE_BUS],
    };
    return { ...shared, imports: [GatewayHealthModule], controllers: [MetricsController] };
  }
}

/** Drains the NATS connection when the application shuts down. */
class BusCloser implements OnApplicationShutdown {
  constructor(private readonly bus: NatsBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close().catch(() => undefined);
  }
}
