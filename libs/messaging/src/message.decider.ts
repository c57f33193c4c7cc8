import { LighthouseError, MESSAGE_LIMITS, type Actor, type MessageEvent, type SendMessage } from '@lighthouse/contracts';
import type { MessageRecord, ThreadRecord } from './message-book';

/** One decision of the message domain: the events to append on the thread's stream. */
export type MessageCommand =
  | {
      type: 'send';
      actor: Actor;
      request: SendMessage;
      roleMembers: readonly string[];
      /** Whether an agent named in `to` holds a credential (see AgentDirectory). */
      isAgent: (agent: string) => boolean;
      id: string;
      now: Date;
    }
  | { type: 'read'; actor: Actor; now: Date }
  | { type: 'acknowledge'; actor: Actor; note: string | null; now: Date };

const unique = (agents: Iterable<string>) => [...new Set(agents)];

/**
 * Sends a message: a new thread to named agents and the experts of named roles, or a reply to
 * every other participant of `thread` (which the sender must take part in). The sender is never
 * its own recipient; a message that would reach nobody, or more than the limit, is refused. Every
 * agent `to` names must be one the operator issued a credential to (UNKNOWN_RECIPIENT otherwise,
 * and nothing is sent): a name nobody holds yet gets no inbox for whoever is given it later.
 */
export function decideSend(command: Extract<MessageCommand, { type: 'send' }>, thread: ThreadRecord | undefined): MessageEvent[] {
  const { actor, request, roleMembers, id, now } = command;
  if (request.thread !== undefined && !thread) throw new LighthouseError('NOT_FOUND', `no thread ${request.thread}`);
  const strangers = thread ? [] : unique(request.to?.agents ?? []).filter((agent) => agent !== actor.agent && !command.isAgent(agent));
  if (strangers.length > 0) throw new LighthouseError('UNKNOWN_RECIPIENT', `no agent is registered as ${strangers.join(', ')}; nothing was sent`);
  if (thread && !thread.participants.has(actor.agent)) throw new LighthouseError('FORBIDDEN', `thread ${thread.id} is not yours to write to`);
  const to = thread ? { agents: [...thread.participants].filter((a) => a !== actor.agent), roles: [] } : (request.to ?? { agents: [], roles: [] });
  const recipients = unique([...to.agents, ...(thread ? [] : roleMembers)]).filter((agent) => agent !== actor.agent);
  if (recipients.length === 0) {
    const roles = to.roles.length > 0 ? ` (no other agent is registered for ${to.roles.join(', ')})` : '';
    throw new LighthouseError('VALIDATION_FAILED', `the message reaches nobody${roles}`);
  }
  if (recipients.length > MESSAGE_LIMITS.recipients) throw new LighthouseError('VALIDATION_FAILED', `a message reaches at most ${MESSAGE_LIMITS.recipients} agents, this one ${recipients.length}`);
  return [
    {
      type: 'message.sent',
      data: {
        id,
        thread: thread?.id ?? id,
        from: actor.agent,
        to,
        recipients,
        subject: request.subject,
        body: request.body,
        importance: request.importance,
        ackRequired: request.ackRequired,
        audience: [actor.agent, ...recipients],
        at: now.toISOString(),
      },
    },
  ];
}

function receiptOf(actor: Actor, message: MessageRecord) {
  if (!message.sent.recipients.includes(actor.agent)) {
    throw new LighthouseError(message.sent.from === actor.agent ? 'VALIDATION_FAILED' : 'FORBIDDEN', `message ${message.sent.id} was not sent to you`);
  }
  return message.receipts.get(actor.agent);
}

/** Marks a message read by one of its recipients; reading it again changes nothing. */
export function decideRead(command: Extract<MessageCommand, { type: 'read' }>, message: MessageRecord): MessageEvent[] {
  const receipt = receiptOf(command.actor, message);
  if (receipt?.readAt) return [];
  const { id, thread, from } = message.sent;
  return [{ type: 'message.read', data: { id, thread, by: command.actor.agent, audience: unique([command.actor.agent, from]), at: command.now.toISOString() } }];
}

/** Acknowledges a message (and marks it read when it was not); acknowledging again changes nothing. */
export function decideAcknowledge(command: Extract<MessageCommand, { type: 'acknowledge' }>, message: MessageRecord): MessageEvent[] {
  const receipt = receiptOf(command.actor, message);
  if (receipt?.acknowledgedAt) return [];
  const { id, thread, from } = message.sent;
  const by = command.actor.agent;
  const read = decideRead({ type: 'read', actor: command.actor, now: command.now }, message);
  return [...read, { type: 'message.acknowledged', data: { id, thread, by, note: command.note, audience: unique([by, from]), at: command.now.toISOString() } }];
}
