import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LighthouseError, type Actor, type MarkReadResult, type Message, type MessageEvent, type MessagePage, type SendMessage } from '@lighthouse/contracts';
import { decideAcknowledge, decideRead, decideSend, SendQuota, type InboxQuery, type MessageRecord, type ThreadQuery } from '@lighthouse/messaging';
import { DEFAULT_MAX_FRAME_BYTES } from '@lighthouse/transport';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { MessageNotifier } from './message.notifier';
import { MessageRepository } from './message.repository';

const MAX_ATTEMPTS = 5;

/**
 * The message use cases: each loads the thread, decides (pure), appends at its version, notifies.
 * A send first takes one message from the sender's quota (operators have none), then checks every
 * agent it names against the directory (asking the store about names it has not seen).
 */
@Injectable()
export class MessagesService {
  private readonly maxPageBytes: number;

  constructor(
    @Inject(MessageRepository) private readonly repo: MessageRepository,
    @Inject(MessageNotifier) private readonly notifier: MessageNotifier,
    @Inject(SendQuota) private readonly quota: SendQuota,
    @Inject(DELEGATION_ROUTER_CONFIG) config: DelegationRouterConfig & { LH_MAX_FRAME_BYTES?: number },
  ) {
    // 15/16 of the frame: the rest is room for the reply's own fields.
    this.maxPageBytes = Math.floor(((config.LH_MAX_FRAME_BYTES ?? DEFAULT_MAX_FRAME_BYTES) * 15) / 16);
  }

  async send(actor: Actor, request: SendMessage, roleMembers: readonly string[], correlationId: string): Promise<Message> {
    if (!actor.operator) this.quota.take(actor.agent, Date.now());
    if (request.to) await this.repo.lookUpAgents(request.to.agents);
    const id = randomUUID();
    const threadId = request.thread ?? id;
    const isAgent = (agent: string) => this.repo.agents.has(agent);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const thread = request.thread === undefined ? undefined : await this.repo.thread(request.thread);
      const events = decideSend({ type: 'send', actor, request, roleMembers, isAgent, id, now: new Date() }, thread);
      if (await this.repo.append(threadId, thread, events, actor.agent, correlationId)) {
        const message = this.repo.book.view(id, actor.agent);
        const [sent] = events as [Extract<MessageEvent, { type: 'message.sent' }>];
        for (const agent of sent.data.recipients) this.notifier.notify([agent], { kind: 'received', message: this.repo.book.view(id, agent) });
        return message;
      }
    }
    throw new LighthouseError('CONFLICT', `thread ${threadId} kept changing concurrently; retry`);
  }

  inbox(actor: Actor, query: InboxQuery): MessagePage {
    return this.repo.book.inbox(actor.agent, query, this.maxPageBytes);
  }

  async thread(actor: Actor, query: ThreadQuery): Promise<MessagePage> {
    await this.repo.thread(query.thread);
    return this.repo.book.threadPage(actor.agent, query, this.maxPageBytes);
  }

  async markRead(actor: Actor, ids: readonly string[]): Promise<MarkReadResult> {
    let marked = 0;
    let alreadyRead = 0;
    for (const id of new Set(ids)) {
      const events = await this.change(id, actor, (message) => decideRead({ type: 'read', actor, now: new Date() }, message));
      if (events.length > 0) marked++;
      else alreadyRead++;
    }
    return { marked, alreadyRead };
  }

  async acknowledge(actor: Actor, id: string, note: string | undefined): Promise<Message> {
    const events = await this.change(id, actor, (message) => decideAcknowledge({ type: 'acknowledge', actor, note: note ?? null, now: new Date() }, message));
    const acknowledged = events.find((e): e is Extract<MessageEvent, { type: 'message.acknowledged' }> => e.type === 'message.acknowledged');
    const message = this.repo.book.view(id, actor.agent);
    if (acknowledged) {
      const { data } = acknowledged;
      const sender = (this.repo.book.message(id) as MessageRecord).sent.from;
      this.notifier.notify([sender], { kind: 'acknowledged', messageId: id, thread: data.thread, subject: message.subject, by: data.by, at: data.at, note: data.note });
    }
    return message;
  }

  /** Decides on message `id` and appends to its thread, deciding again after a conflict. */
  private async change(id: string, actor: Actor, decide: (message: MessageRecord) => MessageEvent[]): Promise<MessageEvent[]> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const known = this.repo.book.message(id);
      if (!known) throw new LighthouseError('NOT_FOUND', `no message ${id}`);
      if (!known.sent.audience.includes(actor.agent)) throw new LighthouseError('FORBIDDEN', `message ${id} is not yours`);
      const thread = await this.repo.thread(known.sent.thread);
      const events = decide(known);
      if (await this.repo.append(known.sent.thread, thread, events, actor.agent, known.sent.id)) return events;
    }
    throw new LighthouseError('CONFLICT', `the thread of message ${id} kept changing concurrently; retry`);
  }
}
