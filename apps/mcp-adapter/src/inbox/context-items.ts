import type { Delegation, Message, MessageNotice } from '@lighthouse/contracts';
import type { ContextItem } from './context-digest';

/** Importances that reach the model's context at its next step (besides anything asking for an acknowledgement). */
const PRESSING = new Set(['urgent', 'high']);
const PREVIEW_CHARS = 1_500;

const quote = (text: string) => {
  const clipped = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (cut; read_thread for all)` : text;
  return clipped
    .split('\n')
    .map((line) => `  > ${line}`)
    .join('\n');
};

/** Whether a message sent to the agent belongs in its context: urgent or high, or an acknowledgement is asked. */
export const isPressing = (message: Pick<Message, 'importance' | 'ackRequired'>): boolean => PRESSING.has(message.importance) || message.ackRequired;

/** A message to the agent, or an acknowledgement of one of its own, as a context item (undefined: not pressing). */
export function itemOfMessageNotice(notice: MessageNotice): ContextItem | undefined {
  if (notice.kind === 'acknowledged') {
    const note = notice.note ? `, note: "${notice.note.slice(0, 500)}"` : '';
    return { key: `ack:${notice.messageId}:${notice.by}`, at: notice.at, text: `${notice.by} acknowledged your message "${notice.subject}" (message ${notice.messageId}${note}).` };
  }
  return itemOfMessage(notice.message);
}

export function itemOfMessage(message: Message): ContextItem | undefined {
  if (!isPressing(message)) return undefined;
  const ask = message.ackRequired ? ` It asks for an acknowledgement: acknowledge_message {"id":"${message.id}"}.` : '';
  const text = `${message.importance.toUpperCase()} message from ${message.from}: "${message.subject}" (message ${message.id}, thread ${message.thread}; read_thread for the rest, send_message with thread to reply).${ask}\n${quote(message.body)}`;
  return { key: `message:${message.id}`, at: message.sentAt, text };
}

/** A delegation waiting for the agent (assigned to it, or addressed to it by name and queued); undefined otherwise. */
export function itemOfDelegation(delegation: Delegation, agent: string): ContextItem | undefined {
  const assigned = delegation.state === 'assigned' && delegation.assignee === agent;
  const addressed = delegation.state === 'queued' && 'agent' in delegation.target && delegation.target.agent === agent;
  if (!assigned && !addressed) return undefined;
  return {
    key: `delegation:${delegation.id}:${delegation.state}`,
    at: delegation.updatedAt,
    text: `Delegation waiting for you from ${delegation.requester}: "${delegation.title}" (delegation ${delegation.id}, due ${delegation.deadline}); next_delegation claims it.`,
  };
}
