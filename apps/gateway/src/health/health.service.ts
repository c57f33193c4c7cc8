import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_HEALTH_SUBJECTS, ServiceHealthSchema, type GatewayHealth } from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

type ServiceStatus = GatewayHealth['services'][string];

/** Asks every service over NATS, in parallel, and reports each one up or down with its round trip. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async check(): Promise<GatewayHealth> {
    const entries = await Promise.all(
      Object.entries(SERVICE_HEALTH_SUBJECTS).map(async ([name, subject]) => [name, await this.probe(subject)] as const),
    );
    const services = Object.fromEntries(entries);
    const statuses = entries.map(([, s]) => s.status);
    const status = statuses.every((s) => s === 'up') ? 'up' : statuses.some((s) => s === 'up' || s === 'degraded') ? 'degraded' : 'down';
    return { status, services };
  }

  private async probe(subject: string): Promise<ServiceStatus> {
    const started = performance.now();
    try {
      const health = await this.bus.request(subject, {}, { timeoutMs: this.config.LH_HEALTH_TIMEOUT_MS, schema: ServiceHealthSchema });
      const rttMs = round(performance.now() - started);
      return { status: (health as { status: 'up' | 'degraded' }).status, rttMs, instance: (health as { instance: string }).instance };
    } catch (error) {
      return { status: 'down', rttMs: null, error: (error as Error).message };
    }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
