import { type FrameCodec, type RequestFrame } from './frame-codec';

/** Nest deserializer for incoming NATS request frames, bounded and shape-checked. */
export class NatsMsgpackDeserializer {
  constructor(private readonly codec: FrameCodec) {}

  deserialize(value: Uint8Array): RequestFrame {
    return this.codec.decodeRequest(value);
  }
}
