import { Inject, Injectable } from '@nestjs/common';
import { LighthouseError, type RpcDefinition, type RpcReply, type RpcRequest } from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { BulkheadRejectedError, bulkhead, type BulkheadPolicy } from 'cockatiel';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { RetryLaterError } from '../http/retry-later.error';

/**
 * Requests to the session-registry, with their replies checked against the contract and a
 * bulkhead (cockatiel): at most LH_REGISTRY_MAX_INFLIGHT in flight, as many waiting, and beyond
 * that an immediate 503 with Retry-After, so overload sheds load instead of piling up deadlines.
 * A registry that answers too late is overload too: 503 with Retry-After (every registry route
 * is safe to repeat: a repeat makes a second session at worst, or the same registration).
 */
@Injectable()
export class RegistryClient {
  private readonly bulkhead: BulkheadPolicy;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.bulkhead = bulkhead(config.LH_REGISTRY_MAX_INFLIGHT, config.LH_REGISTRY_MAX_INFLIGHT);
  }

  async send<R extends RpcDefinition>(rpc: R, payload: RpcRequest<R>): Promise<RpcReply<R>> {
    try {
      return await this.bulkhead.execute(() => this.bus.request(rpc, payload));
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw new RetryLaterError('SERVICE_UNAVAILABLE', 'the gateway has too many requests waiting for the session-registry', 1);
      }
      if (error instanceof LighthouseError && error.code === 'DEADLINE_EXCEEDED') {
        throw new RetryLaterError('SERVICE_UNAVAILABLE', 'the session-registry did not answer in time; the request may or may not have taken effect', 1);
      }
      throw error;
    }
  }
}
