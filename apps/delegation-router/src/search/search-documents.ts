import { MESSAGE_LIMITS, type Delegation, type EventEnvelope } from '@lighthouse/contracts';
import { MAX_INDEXED_CHARS, type SearchDocument } from '@lighthouse/messaging';

/** Event types the bridge writes itself: not an agent's own words (messages and delegations are indexed as such). */
const BRIDGE_TYPES = /^(session|expert|agent|credential|delegation|validation|fs|message|reservation)\./;

/** What a committed event adds to the index: a message, or an event an agent recorded; nothing else. */
export function documentOfEvent(event: EventEnvelope): SearchDocument | undefined {
  if (event.type === 'message.sent') {
    const data = event.data as { id: string; subject: string; body: string; from: string; audience: string[]; at: string };
    return { kind: 'message', ref: data.id, title: data.subject, text: data.body, agent: data.from, stream: event.stream, at: data.at, audience: data.audience };
  }
  if (BRIDGE_TYPES.test(event.type)) return undefined;
  // The text is cut to what the index keeps; of the data, only what the visibility rule reads (an
  // audience), never the whole of an event that may be a megabyte.
  const text = JSON.stringify(event.data).slice(0, MAX_INDEXED_CHARS);
  const audience = (event.data as { audience?: unknown }).audience;
  const data = Array.isArray(audience) ? { audience: audience.slice(0, MESSAGE_LIMITS.recipients + 1) } : {};
  return { kind: 'event', ref: event.id, title: `${event.type} on ${event.stream}`, text, agent: event.agent, stream: event.stream, at: event.time, data };
}

/** A delegation as a document: its title, body, progress notes, result or error. */
export function documentOfDelegation(d: Delegation): SearchDocument {
  const text = [d.body, ...d.progress.map((p) => p.note), d.result ? JSON.stringify(d.result) : '', d.error ? `${d.error.code}: ${d.error.message}` : ''].filter(Boolean).join('\n');
  return { kind: 'delegation', ref: d.id, title: d.title, text, agent: d.requester, stream: `delegation-${d.id}`, at: d.updatedAt };
}
