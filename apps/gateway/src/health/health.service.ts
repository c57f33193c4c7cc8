import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_HEALTH_RPCS, SliSnapshotSchema, type GatewayHealth, type SliSnapshot } from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

type ServiceStatus = GatewayHealth['services'][string];

/** What the last check heard from one service: its status and instance, and the SLI facts it reported (SLA view). */
export interface ServiceSli {
  service: string;
  status: ServiceStatus['status'];
  instance?: string;
  sli?: SliSnapshot;
}

/**
 * Asks every service over NATS, in parallel, and reports each one up or down with its round trip.
 * A report is shared by every caller for `LH_HEALTH_CACHE_MS` (and one check in flight serves
 * everyone waiting), so however often `/health` is called the services are asked at most once
 * per interval per gateway.
 */
@Injectable()
export class HealthService {
  private cached?: { at: number; report: Promise<GatewayHealth> };
  /** Per service, what its last answer said (kept for the console's SLA view; never sent in /health). */
  readonly lastHeard = new Map<string, ServiceSli>();

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  check(nowMs = Date.now()): Promise<GatewayHealth> {
    if (this.cached && nowMs - this.cached.at < this.config.LH_HEALTH_CACHE_MS) return this.cached.report;
    const report = this.fanOut();
    this.cached = { at: nowMs, report };
    // The interval counts from when the answer came, so a slow check is not repeated at once.
    void report.then(() => {
      if (this.cached?.report === report) this.cached = { at: Date.now(), report };
    });
    return report;
  }

  private async fanOut(): Promise<GatewayHealth> {
    const entries = await Promise.all(
      Object.entries(SERVICE_HEALTH_RPCS).map(async ([name, rpc]) => [name, await this.probe(name, rpc)] as const),
    );
    const services = Object.fromEntries(entries);
    const statuses = entries.map(([, s]) => s.status);
    const status = statuses.every((s) => s === 'up') ? 'up' : statuses.some((s) => s === 'up' || s === 'degraded') ? 'degraded' : 'down';
    return { status, services };
  }

  private async probe(name: string, rpc: (typeof SERVICE_HEALTH_RPCS)[keyof typeof SERVICE_HEALTH_RPCS]): Promise<ServiceStatus> {
    const started = performance.now();
    try {
      const health = await this.bus.request(rpc, {}, { timeoutMs: this.config.LH_HEALTH_TIMEOUT_MS });
      const sli = SliSnapshotSchema.safeParse(health.detail?.['sli']);
      this.lastHeard.set(name, { service: name, status: health.status, instance: health.instance, ...(sli.success ? { sli: sli.data } : {}) });
      return { status: health.status, rttMs: round(performance.now() - started), instance: health.instance };
    } catch (error) {
      this.lastHeard.set(name, { service: name, status: 'down' });
      return { status: 'down', rttMs: null, error: (error as Error).message };
    }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
