import type { EventEnvelope } from '@lighthouse/contracts';
import { Rendered, obj, str } from './json-record';

/** What `/agents/<agent>.json` holds. */
export interface AgentView {
  agent: string;
  connected: boolean;
  sessions: string[];
  expert: Record<string, unknown> | null;
  revoked: boolean;
  firstSeen: string;
  lastSeen: string;
  lastEvent: string;
  lastSequence: number;
}

const CONTEXTS = ['session.', 'expert.', 'agent.', 'credential.'];

/** Whether an event is about an agent's presence (and so read by this projection). */
export const isAgentEvent = (type: string): boolean => CONTEXTS.some((context) => type.startsWith(context));

/**
 * Who is connected, folded from the session registry's events (`session.*`, `expert.*`,
 * `agent.*`). Tolerant: an unknown type of these contexts only updates `lastSeen`; fields are
 * read defensively, because their owners may still change them.
 */
export class AgentsProjection {
  private readonly agents = new Map<string, { view: AgentView; json: Rendered }>();

  apply(event: EventEnvelope): void {
    if (!isAgentEvent(event.type)) return;
    const id = agentOf(event);
    const entry = this.agents.get(id) ?? { view: fresh(id, event.time), json: new Rendered() };
    this.agents.set(id, entry);
    const view = entry.view;
    const sessionId = str(event.data['sessionId']);
    switch (event.type) {
      case 'session.created':
        if (sessionId && !view.sessions.includes(sessionId)) view.sessions.push(sessionId);
        break;
      case 'session.ended':
        view.sessions = view.sessions.filter((s) => s !== sessionId);
        if (event.data['expertDeregistered'] === true) view.expert = null;
        break;
      case 'expert.registered':
        view.expert = { ...event.data };
        break;
      case 'expert.deregistered':
        view.expert = null;
        break;
      case 'agent.revoked':
        Object.assign(view, { revoked: true, sessions: [], expert: null });
        break;
    }
    view.connected = view.sessions.length > 0;
    Object.assign(view, { lastSeen: event.time, lastEvent: event.type, lastSequence: event.sequence });
    entry.json.invalidate();
  }

  names(): string[] {
    return [...this.agents.keys()].map((id) => `${id}.json`);
  }

  file(name: string): Uint8Array | undefined {
    const entry = name.endsWith('.json') ? this.agents.get(name.slice(0, -'.json'.length)) : undefined;
    return entry?.json.of(entry.view);
  }

  get size(): number {
    return this.agents.size;
  }
}

/** The agent an event is about: its stream `agent:<id>` (with `/` for `@`), else who wrote it. */
function agentOf(event: EventEnvelope): string {
  if (event.stream.startsWith('agent:')) return event.stream.slice('agent:'.length).replaceAll('/', '@');
  return str(obj(event.data)?.['agentId']) ?? event.agent;
}

const fresh = (agent: string, time: string): AgentView => ({
  agent,
  connected: false,
  sessions: [],
  expert: null,
  revoked: false,
  firstSeen: time,
  lastSeen: time,
  lastEvent: '',
  lastSequence: 0,
});
