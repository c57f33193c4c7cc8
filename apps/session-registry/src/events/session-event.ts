import { randomUUID } from 'node:crypto';
import { SESSION_EVENT_DATA, agentStreamOf, type NewEvent, type SessionEventData, type SessionEventType } from '@lighthouse/contracts';

/** A registry event for the event store: validated against its data schema, on the agent's stream. */
export function sessionEvent<T extends SessionEventType>(type: T, agentId: string, data: SessionEventData<T>, correlationId: string): NewEvent {
  return {
    id: randomUUID(),
    type,
    stream: agentStreamOf(agentId),
    agent: agentId,
    correlationId,
    causationId: null,
    schemaVersion: 1,
    data: SESSION_EVENT_DATA[type].parse(data) as Record<string, unknown>,
  };
}
