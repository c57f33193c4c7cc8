import { Inject, Injectable } from '@nestjs/common';
import { canSeeEvent, delegationIdOf, type Viewer } from '@lighthouse/auth';
import { LighthouseError, RPC, type ReadResult } from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

/**
 * Applies the visibility rule of `libs/auth` to a page of events read for one agent. Whether
 * the agent is party to a delegation is the router's answer (the same `canSee` as
 * `GET /delegations/:id`), asked once per delegation on the page. The cursor is kept: a page
 * may hold fewer events than asked for, and reading on from `nextSequence` misses nothing
 * the agent may see.
 */
@Injectable()
export class EventVisibilityFilter {
  private readonly publicStreams: readonly string[];

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.publicStreams = publicStreamsOf(config.LH_PUBLIC_STREAMS);
  }

  async visible(viewer: Viewer, page: ReadResult): Promise<ReadResult> {
    const parties = await this.partiesOf(viewer, page);
    const context = { publicStreams: this.publicStreams, isDelegationParty: (id: string) => parties.has(id) };
    return { events: page.events.filter((event) => canSeeEvent(viewer, event, context)), nextSequence: page.nextSequence };
  }

  /** The delegations on this page the viewer is party to. */
  private async partiesOf(viewer: Viewer, page: ReadResult): Promise<Set<string>> {
    const ids = new Set(page.events.filter((e) => e.agent !== viewer.agent).flatMap((e) => delegationIdOf(e.stream) ?? []));
    const actor = { agent: viewer.agent, operator: false, roles: [], capacity: 1 };
    const answers = await Promise.all([...ids].map(async (id) => ((await this.mayRead(actor, id)) ? id : undefined)));
    return new Set(answers.filter((id): id is string => id !== undefined));
  }

  private async mayRead(actor: { agent: string; operator: boolean; roles: string[]; capacity: number }, id: string): Promise<boolean> {
    try {
      await this.bus.request(RPC.delegation.get, { actor, id });
      return true;
    } catch (error) {
      // Not yours, or not known (yet): not shown. Anything else is the router's failure, not an answer.
      if (error instanceof LighthouseError && ['FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED'].includes(error.code)) return false;
      throw error;
    }
  }
}

/** `LH_PUBLIC_STREAMS` as a list: exact stream names, or prefixes written `name*`. */
export function publicStreamsOf(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
