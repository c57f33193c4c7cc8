import { RESERVATIONS_STREAM, type EventEnvelope } from '@lighthouse/contracts';

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

/** The stream of a message thread's events, `thread-<id>`: its id, or undefined for another stream. */
export function threadIdOf(stream: string): string | undefined {
  return /^thread-(.+)$/.exec(stream)?.[1];
}

/** The agents a thread event names in its `audience` (none when it names none). */
function audienceOf(data: unknown): readonly unknown[] {
  const audience = data !== null && typeof data === 'object' ? (data as { audience?: unknown }).audience : undefined;
  return Array.isArray(audience) ? audience : [];
}

/** Whether `stream` is one the operator made public. */
export function isPublicStream(stream: string, publicStreams: readonly string[]): boolean {
  return publicStreams.some((pattern) => (pattern.endsWith('*') ? stream.startsWith(pattern.slice(0, -1)) : stream === pattern));
}

/**
 * The one visibility rule of every event read (HTTP, MCP tools, the shared view): an operator
 * sees every event; an agent sees the events of its own stream (`agent:<id>`) and the events it
 * wrote itself, the events of delegations it is party to, the events of message threads that
 * name it in their `audience` (a message's sender and recipients, a receipt's reader and the
 * message's sender), every event on a stream the operator made public, and the reservations (the
 * shared map of who works where: every agent lists them, and a denied write names the holder).
 * Anything else, another agent's sessions, decisions, delegations, messages and notes, is not its to read.
 */
export function canSeeEvent(viewer: Viewer, event: Pick<EventEnvelope, 'stream' | 'agent'> & { data?: unknown }, context: VisibilityContext): boolean {
  if (viewer.operator) return true;
  // A thread is never public, whatever the operator's patterns say: its events name their readers.
  if (threadIdOf(event.stream) !== undefined) return event.agent === viewer.agent || audienceOf(event.data).includes(viewer.agent);
  if (isPublicStream(event.stream, context.publicStreams)) return true;
  if (event.stream === RESERVATIONS_STREAM) return true;
  if (event.stream === `agent:${viewer.agent}`) return true;
  const delegation = delegationIdOf(event.stream);
  if (delegation !== undefined) return event.agent === viewer.agent || context.isDelegationParty(delegation, viewer.agent);
  if (event.stream.startsWith('agent:')) return false;
  return event.agent === viewer.agent;
}
