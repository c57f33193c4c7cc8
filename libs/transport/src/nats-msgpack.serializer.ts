import type { MsgHdrs } from 'nats';
import { type FrameCodec } from './frame-codec';

/** Nest serializer for outgoing NATS frames (replies of a server), msgpack-encoded. */
export class NatsMsgpackSerializer {
  constructor(private readonly codec: FrameCodec) {}

  serialize(packet: { headers?: MsgHdrs } & Record<string, unknown>): { data: Uint8Array; headers?: MsgHdrs } {
    const { headers, ...rest } = packet;
    return { data: this.codec.encode(rest), headers };
  }
}
