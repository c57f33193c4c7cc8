import { Controller, type DynamicModule } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { ServiceHealth } from '@lighthouse/contracts';
import { hostname } from 'node:os';

export interface HealthOptions {
  service: string;
  subject: string;
  version?: string;
  /** Extra facts for the health answer; may report 'degraded'. */
  probe?: () => Promise<Pick<ServiceHealth, 'status' | 'detail'>> | Pick<ServiceHealth, 'status' | 'detail'>;
}

/** Answers a service's health subject: who it is, since when, and what its probe says. */
export class HealthModule {
  static register(options: HealthOptions): DynamicModule {
    const instance = `${hostname()}:${process.pid}`;
    const startedAt = Date.now();

    @Controller()
    class HealthController {
      @MessagePattern(options.subject)
      async health(): Promise<ServiceHealth> {
        const probe = options.probe ? await options.probe() : { status: 'up' as const };
        return {
          service: options.service,
          version: options.version ?? '0.1.0',
          instance,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          ...probe,
        };
      }
    }

    return { module: HealthModule, controllers: [HealthController] };
  }
}
