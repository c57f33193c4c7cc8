import {
  LighthouseError,
  type Delegation,
  type Expert,
  type ExpertList,
  type GatewayHealth,
  type RegisterExpertRequest,
  type ValidationResult,
  type WhoAmI,
} from '@lighthouse/contracts';
import type { ProjectView } from '../files/project-view';
import type { GatewayClient } from '../gateway/gateway.client';
import type { SessionKeeper } from '../session/session.keeper';
import { messageToolHandlers } from './message-tools';
import { reservationToolHandlers } from './reservation-tools';
import { toolDefinitions, type ToolInput, type ToolName } from './tool-definitions';

export interface ToolContext {
  /** Cancelled when the client cancels the call or goes away. */
  signal: AbortSignal;
}

type Handlers = { [N in ToolName]: (input: ToolInput<N>, context: ToolContext) => Promise<unknown> };

/** A long poll's HTTP deadline: the wait plus the usual request deadline. */
const pollOptions = (waitMs: number, context: ToolContext, timeoutMs: number) => ({ timeoutMs: waitMs + timeoutMs, signal: context.signal });
const query = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
};
const byId = (id: string) => `/delegations/${encodeURIComponent(id)}`;

/** A gateway without the route (Nest answers `Cannot POST /events`) says so plainly. */
const missingRoute = (route: string) => (error: unknown) => {
  if (error instanceof LighthouseError && error.code === 'NOT_FOUND' && error.message.startsWith('Cannot ')) {
    throw new LighthouseError('NOT_FOUND', `this gateway does not offer ${route} (the event routes are not deployed there yet)`);
  }
  throw error;
};

export interface ToolDependencies {
  gateway: GatewayClient;
  session: SessionKeeper;
  files: ProjectView;
  timeoutMs: number;
  version: string;
  /** The registration to renew with every new session (updated by register_expertise). */
  expert: { current: RegisterExpertRequest | null };
}

/**
 * What each tool does, as calls to the gateway (or reads of the shared view). Each returns the
 * gateway's answer; a failure is thrown as a LighthouseError and becomes a tool error.
 */
export function toolHandlers(deps: ToolDependencies): Handlers {
  const { gateway, session, files, timeoutMs } = deps;
  return {
    status: async (_input, context) => {
      const [health, whoami] = await Promise.all([
        gateway.getPublic<GatewayHealth>('/health', { accept: [503], signal: context.signal }),
        session.get<WhoAmI>('/whoami', { signal: context.signal }).catch((error: LighthouseError) => error),
      ]);
      if (whoami instanceof LighthouseError) throw new LighthouseError(whoami.code, `${whoami.message} (the bridge itself is ${health.status})`);
      const adapter = { version: deps.version, toolDefinitionsHash: toolDefinitions().hash, tools: toolDefinitions().tools.length };
      return { gateway: gateway.baseUrl, health, whoami, expert: deps.expert.current, adapter };
    },
    validate: (input, context) => session.change<ValidationResult>('POST', '/validate', input, { signal: context.signal, timeoutMs: timeoutMs + 35_000 }),
    register_expertise: async (input, context) => {
      const expert = await session.change<Expert>('POST', '/experts', input, { signal: context.signal });
      deps.expert.current = input;
      return expert;
    },
    list_experts: (input, context) => session.get<ExpertList>(`/experts${query(input)}`, { signal: context.signal }),
    delegate: (input, context) => {
      const { role, agent, ...rest } = input;
      if ((role === undefined) === (agent === undefined)) throw new LighthouseError('VALIDATION_FAILED', 'give exactly one of role (any expert of it) or agent (one named agent)');
      return session.change<Delegation>('POST', '/delegations', { ...rest, target: role !== undefined ? { role } : { agent } }, { signal: context.signal });
    },
    next_delegation: async ({ waitMs }, context) => {
      // Signed: the gateway assigns work only to a request signed with the session key.
      const next = await session.change<{ delegation: Delegation | null }>('GET', `/delegations/next${query({ waitMs })}`, undefined, pollOptions(waitMs, context, timeoutMs));
      if (!next.delegation) return { delegation: null, epoch: null };
      const claimed = await session.change<Delegation>('POST', `${byId(next.delegation.id)}/claim`, {}, { signal: context.signal });
      return { delegation: claimed, epoch: claimed.claimEpoch };
    },
    report_progress: ({ delegationId, ...body }, context) => session.change<Delegation>('POST', `${byId(delegationId)}/progress`, body, { signal: context.signal }),
    complete_delegation: ({ delegationId, ...body }, context) => session.change<Delegation>('POST', `${byId(delegationId)}/complete`, body, { signal: context.signal }),
    fail_delegation: ({ delegationId, epoch, code, message }, context) =>
      session.change<Delegation>('POST', `${byId(delegationId)}/fail`, { epoch, error: { code, message } }, { signal: context.signal }),
    wait_for_result: ({ delegationId, waitMs }, context) => session.get<Delegation>(`${byId(delegationId)}/wait${query({ waitMs })}`, pollOptions(waitMs, context, timeoutMs)),
    store_event: (input, context) => session.change('POST', '/events', input, { signal: context.signal }).catch(missingRoute('POST /events')),
    query_events: (input, context) => session.get(`/events${query(input)}`, { signal: context.signal }).catch(missingRoute('GET /events')),
    list_files: ({ path }) => files.list(path),
    read_file: ({ path, offset, maxBytes }) => files.read(path, offset, maxBytes),
    ...messageToolHandlers(session),
    ...reservationToolHandlers(session),
  };
}
