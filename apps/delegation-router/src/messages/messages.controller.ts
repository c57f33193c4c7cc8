import { Controller, Inject } from '@nestjs/common';
import { RPC, type MarkReadResult, type Message, type MessagePage, type RpcParsedRequest } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { MessagesService } from './messages.service';

const R = RPC.message;
type Req<K extends keyof typeof R> = RpcParsedRequest<(typeof R)[K]>;

/** Maps each message rpc to its use case; the gateway fills `actor` from the session. */
@Controller()
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @HandlesRpc(R.send)
  send(m: Req<'send'>): Promise<Message> {
    return this.messages.send(m.actor, m.request, m.roleMembers, m.correlationId);
  }

  @HandlesRpc(R.inbox)
  inbox({ actor, ...query }: Req<'inbox'>): MessagePage {
    return this.messages.inbox(actor, query);
  }

  @HandlesRpc(R.thread)
  thread({ actor, ...query }: Req<'thread'>): Promise<MessagePage> {
    return this.messages.thread(actor, query);
  }

  @HandlesRpc(R.markRead)
  markRead(m: Req<'markRead'>): Promise<MarkReadResult> {
    return this.messages.markRead(m.actor, m.ids);
  }

  @HandlesRpc(R.acknowledge)
  acknowledge(m: Req<'acknowledge'>): Promise<Message> {
    return this.messages.acknowledge(m.actor, m.id, m.note);
  }
}
