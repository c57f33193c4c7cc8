import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { deriveAuthKeys } from '@lighthouse/auth';
import type { Logger } from '@lighthouse/observability';
import { EventStoreClient, LOGGER, NatsBus } from '@lighthouse/transport';
import type { Redis } from 'ioredis';
import { CallerAuthService } from './auth/caller-auth.service';
import { RevocationsPublisher } from './events/revocations.publisher';
import { SessionEventsRecorder } from './events/session-events.recorder';
import { AUTH_KEYS, REGISTRY_CONFIG, SESSION_LIMITS, type RegistryConfig } from './registry.config';
import { sessionLimits } from './sessions/session-policy';
import { RegistryStore } from './store/registry.store';
import { OperatorStore } from './operators/operator.store';
import { VerifiedCredentials } from './sessions/verified-credentials';

export interface RegistryDependencies {
  config: RegistryConfig;
  redis: Redis;
  bus: NatsBus;
  logger: Logger;
}

/** What every feature of the registry shares: config, keys, Redis, the event store and the bus. */
@Module({})
export class RegistryCoreModule {
  static register(deps: RegistryDependencies): DynamicModule {
    const { config } = deps;
    const providers = [
      { provide: REGISTRY_CONFIG, useValue: config },
      { provide: AUTH_KEYS, useValue: deriveAuthKeys(config.LH_TOKEN_SECRET) },
      { provide: SESSION_LIMITS, useValue: sessionLimits(config) },
      { provide: LOGGER, useValue: deps.logger },
      { provide: NatsBus, useValue: deps.bus },
      { provide: RegistryStore, useValue: new RegistryStore(deps.redis, config.LH_REDIS_PREFIX) },
      { provide: OperatorStore, useValue: new OperatorStore(deps.redis, config.LH_REDIS_PREFIX) },
      // The store gets half the request deadline, so the registry answers (STORE_UNAVAILABLE)
      // before the gateway gives up on it and the outcome stays known.
      { provide: EventStoreClient, useValue: new EventStoreClient(deps.bus, Math.max(100, Math.floor(config.LH_REQUEST_TIMEOUT_MS / 2))) },
      { provide: ConnectionsCloser, useValue: new ConnectionsCloser(deps) },
      // A verified credential is trusted for 30 s by this replica (a revocation here forgets it at once).
      { provide: VerifiedCredentials, useValue: new VerifiedCredentials({ ttlMs: 30_000, maxEntries: 50_000 }) },
      CallerAuthService,
      SessionEventsRecorder,
      RevocationsPublisher,
    ];
    return {
      module: RegistryCoreModule,
      global: true,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}

/** Drains NATS and closes Redis when the service stops. */
class ConnectionsCloser implements OnApplicationShutdown {
  constructor(private readonly deps: Pick<RegistryDependencies, 'redis' | 'bus'>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.deps.bus.close().catch(() => undefined);
    await this.deps.redis.quit().catch(() => undefined);
  }
}
