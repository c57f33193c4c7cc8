import { Controller, type DynamicModule } from '@nestjs/common';
import { rpcBySubject, type ServiceHealth } from '@lighthouse/contracts';
import { hostname } from 'node:os';
import { HandlesRpc } from './handles-rpc.decorator';

export interface HealthOptions {
  service: string;
  /** The service's health subject; it must be a health rpc of the contract table. */
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
    const declared = rpcBySubject(options.subject);
    if (!declared) throw new Error(`${options.subject} is not declared in the contract table`);
    const rpc = declared;

    @Controller()
    class HealthController {
      @HandlesRpc(rpc)
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
