import { Controller, Get, Res } from '@nestjs/common';
import type { GatewayHealth } from '@lighthouse/contracts';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service';
import { Access } from '../auth/access.decorator';

@Access('public')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Every service up or down with its round trip; 503 unless all are up. Cached briefly, limited per address. */
  @Get()
  @Access('probe')
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<GatewayHealth> {
    const report = await this.health.check();
    reply.status(report.status === 'up' ? 200 : 503);
    return report;
  }

  /** Liveness of the gateway process alone (for probes that must not depend on other services). */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }
}
