import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RPC } from '@lighthouse/contracts';
import { httpReadingOf, memoryRatioOf, memoryReading, ServiceMetrics, SlaLedger, type ServiceReading, type SlaObservation, type SlaReport } from '@lighthouse/observability';
import { LOGGER, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import type { Logger } from '@lighthouse/observability';
import { hostname } from 'node:os';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { HealthService } from '../health/health.service';

/**
 * The console's SLA view: every `LH_SLA_SAMPLE_S` this gateway reads the services' health answers
 * (their SLI histograms and memory), its own request metrics and the event store's last chain
 * verification, and folds them into an {@link SlaLedger} (a day of per-minute steps). One health
 * fan-out per interval, whether or not anyone watches: that is what lets it show breaches nobody saw.
 */
@Injectable()
export class SlaMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly ledger: SlaLedger;
  private timer?: NodeJS.Timeout;
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.ledger = new SlaLedger({ stepMs: config.LH_SLA_STEP_S * 1000 });
  }

  onApplicationBootstrap(): void {
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.sample()
        .catch((error: Error) => this.logger.warn({ err: error }, 'SLA sample failed'))
        .finally(() => (busy = false));
    }, this.config.LH_SLA_SAMPLE_S * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  report(nowMs = Date.now()): SlaReport {
    return this.ledger.report(nowMs);
  }

  /** One reading of the bridge into the ledger. */
  async sample(): Promise<void> {
    const [, http, chain] = await Promise.all([
      this.health.check(),
      httpReadingOf(this.metrics),
      this.bus.request(RPC.events.verify, {}, { timeoutMs: this.config.LH_HEALTH_TIMEOUT_MS }).then((v) => v.ok, () => null),
    ]);
    const services: ServiceReading[] = [...this.health.lastHeard.values()].map((heard) => ({
      service: heard.service,
      status: heard.status,
      ...(heard.instance ? { instance: heard.instance } : {}),
      ...(heard.sli ? { histograms: heard.sli.histograms, memoryRatio: memoryRatioOf(heard.sli.memory) } : {}),
    }));
    services.push({ service: 'gateway', instance: this.instance, status: 'up', memoryRatio: memoryRatioOf(memoryReading()) });
    const observation: SlaObservation = { at: Date.now(), services, gateway: { instance: this.instance, ...http }, chain };
    this.ledger.record(observation);
  }
}
