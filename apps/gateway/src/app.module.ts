import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from '@lighthouse/observability';
import { ServiceMetrics } from '@lighthouse/observability';
import { LOGGER, MESSAGE_BUS, NatsBus } from '@lighthouse/transport';
import { AdminModule } from './admin/admin.module';
import { AuthGuard } from './auth/auth.guard';
import { ConsoleAuth } from './console/console-auth';
import { OperatorCredentials } from './console/operator-credentials';
import { ConsoleModule } from './console/console.module';
import { RequestGate } from './auth/request-gate';
import { RevocationsService } from './auth/revocations.service';
import { DelegationsModule } from './delegations/delegations.module';
import { EventsModule } from './events/events.module';
import { ExpertsModule } from './experts/experts.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { GatewayHealthModule } from './health/health.module';
import { HotRoutesModule } from './hot/hot-routes.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsController } from './metrics/metrics.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { RegistryClient } from './registry/registry.client';
import { ReservationsModule } from './reservations/reservations.module';
import { SessionsModule } from './sessions/sessions.module';

@Module({})
export class AppModule {
  /** The root module, given the validated configuration, metrics, a connected bus and the logger. */
  static register(config: GatewayConfig, metrics: ServiceMetrics, bus: NatsBus, logger: Logger): DynamicModule {
    const shared = {
      module: AppModule,
      global: true,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: NatsBus, useValue: bus },
        { provide: LOGGER, useValue: logger },
        { provide: BusCloser, useFactory: () => new BusCloser(bus) },
        RevocationsService,
        RequestGate,
        RegistryClient,
        ConsoleAuth,
        OperatorCredentials,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [GATEWAY_CONFIG, ServiceMetrics, MESSAGE_BUS, NatsBus, LOGGER, RevocationsService, RequestGate, RegistryClient, ConsoleAuth, OperatorCredentials],
    };
    return {
      ...shared,
      imports: [GatewayHealthModule, SessionsModule, ExpertsModule, AdminModule, DelegationsModule, HotRoutesModule, EventsModule, ConsoleModule, MessagesModule, ReservationsModule],
      controllers: [MetricsController, OpenApiController],
    };
  }
}

/** Drains the NATS connection when the application shuts down. */
class BusCloser implements OnApplicationShutdown {
  constructor(private readonly bus: NatsBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close().catch(() => undefined);
  }
}
