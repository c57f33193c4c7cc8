import { Controller, type DynamicModule } from '@nestjs/common';
import { rpcBySubject, type ServiceHealth } from '@lighthouse/contracts';
import { hostname } from 'node:os';
import { sliReadingOf, type ServiceMetrics } from '@lighthouse/observability';
import { HandlesRpc } from './handles-rpc.decorator';

/**
 * The process's metrics, whose service-level facts go into every health answer (`detail.sli`:
 * the console's SLA view reads them). Set once by runNatsService; tests' services leave it unset.
 */
let processMetrics: ServiceMetrics | undefined;
export const reportSliInHealth = (metrics: ServiceMetrics): void => {
  processMetrics = metrics;
};

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
        const sli = processMetrics ? await sliReadingOf(processMetrics) : undefined;
        return {
          service: options.service,
          version: options.version ?? '0.1.0',
          instance,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          ...probe,
          ...(sli ? { detail: { ...probe.detail, sli } } : {}),
        };
      }
    }

    return { module: HealthModule, controllers: [HealthController] };
  }
}
