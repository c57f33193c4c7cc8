import type { EventEnvelope } from '@lighthouse/contracts';

/** Who reads the history: an agent, or an operator (who sees everything). */
export interface Viewer {
  agent: string;
  operator: boolean;
}

/** What the rule needs beyond the event itself. */
export interface VisibilityContext {
  /** Streams the operator made public: exact names, or prefixes written `name*`. */
  publicStreams: readonly string[];
  /**
   * Whether `agent` is a party to delegation `id` (its requester, its assignee, or the agent it
   * is addressed to); false when unknown.
   */
  isDelegationParty(id: string, agent: string): boolean;
}

/** The stream of a delegation's events, `delegation-<id>`: its id, or undefined for another stream. */
export function delegationIdOf(stream: string): string | undefined {
  return /^delegation-(.+)$/.exec(stream)?.[1];
}

/** Whether `stream` is one the operator made public. */
export function isPublicStream(stream: string, publicStreams: readonly string[]): boolean {
  return publicStreams.some((pattern) => (pattern.endsWith('*') ? stream.startsWith(pattern.slice(0, -1)) : stream === pattern));
}

/**
 * The one visibility rule of every event read (HTTP, MCP tools, the shared view): an operator
 * sees every event; an agent sees the events of its own stream (`agent:<id>`) and the events it
 * wrote itself, the events of delegations it is party to, and every event on a stream the
 * operator made public. Anything else, another agent's sessions, decisions, delegations and
 * notes, is not its to read.
 */
export function canSeeEvent(viewer: Viewer, event: Pick<EventEnvelope, 'stream' | 'agent'>, context: VisibilityContext): boolean {
  if (viewer.operator) return true;
  if (isPublicStream(event.stream, context.publicStreams)) return true;
  if (event.stream === `agent:${viewer.agent}`) return true;
  const delegation = delegationIdOf(event.stream);
  if (delegation !== undefined) return event.agent === viewer.agent || context.isDelegationParty(delegation, viewer.agent);
  if (event.stream.startsWith('agent:')) return false;
  return event.agent === viewer.agent;
}
