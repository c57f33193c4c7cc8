import { Packr } from 'msgpackr';
import { LighthouseError } from '@lighthouse/contracts';

/** Default bound for one frame: 1 MiB, the same as NATS' default max_payload. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** A frame that cannot be accepted: too large, or not msgpack of the expected shape. */
export class FrameError extends LighthouseError {
  constructor(code: 'MALFORMED_FRAME' | 'PAYLOAD_TOO_LARGE', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FrameError';
  }
}

/** A request as it travels over NATS (the shape Nest's NATS transport expects). */
export interface RequestFrame {
  pattern: string;
  data: unknown;
  /** Present on requests that expect a reply; absent on events. */
  id?: string;
}

/** A reply: either `response` or `err`. */
export interface ReplyFrame {
  id?: string | null;
  response?: unknown;
  err?: unknown;
  status?: string;
  isDisposed?: boolean;
}

/**
 * msgpack encoding and bounded decoding of frames. Records/structures are off so any msgpack
 * peer can read our frames and a decoder never depends on state shared with the sender.
 */
export class FrameCodec {
  private readonly packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

  constructor(readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  encode(value: unknown): Uint8Array {
    const bytes = this.packr.pack(value);
    if (bytes.length > this.maxFrameBytes) {
      throw new FrameError('PAYLOAD_TOO_LARGE', `frame of ${bytes.length} bytes exceeds the ${this.maxFrameBytes} byte limit`);
    }
    return bytes;
  }

  /** One value as msgpack, for a caller that assembles its own frame (see {@link encodeArrayOf}). */
  encodeValue(value: unknown): Uint8Array {
    return this.encode(value);
  }

  /**
   * A msgpack array of values each already encoded by {@link encodeValue}: the parts are
   * concatenated behind the array's header, so no value is encoded twice.
   */
  encodeArrayOf(parts: readonly Uint8Array[]): Uint8Array {
    return this.encodeArrayFrom(parts.length, parts);
  }

  /**
   * A msgpack map of the given keys, each value already encoded (e.g. a request frame whose data
   * was assembled by {@link encodeArrayOf}), so no value is encoded twice.
   */
  encodeMapOf(entries: ReadonlyArray<readonly [string, Uint8Array]>): Uint8Array {
    if (entries.length >= 16) throw new RangeError('encodeMapOf takes at most 15 keys');
    return this.concat([Uint8Array.of(0x80 | entries.length), ...entries.flatMap(([key, value]) => [this.packr.pack(key), value])]);
  }

  /**
   * The elements of an encoded msgpack array, as one slice after its header (for moving them into
   * another array without decoding them); undefined when the bytes do not start with an array.
   */
  arrayElements(bytes: Uint8Array): { count: number; elements: Uint8Array } | undefined {
    const first = bytes[0];
    if (first === undefined) return undefined;
    if (first >= 0x90 && first <= 0x9f) return { count: first & 0x0f, elements: bytes.subarray(1) };
    if (first === 0xdc && bytes.length >= 3) return { count: ((bytes[1] as number) << 8) | (bytes[2] as number), elements: bytes.subarray(3) };
    if (first === 0xdd && bytes.length >= 5) {
      const count = (((bytes[1] as number) << 24) >>> 0) + (((bytes[2] as number) << 16) | ((bytes[3] as number) << 8) | (bytes[4] as number));
      return { count, elements: bytes.subarray(5) };
    }
    return undefined;
  }

  /** A msgpack array of `count` elements whose encodings, back to back, are `elements` (slices from {@link arrayElements}). */
  encodeArrayFrom(count: number, elements: readonly Uint8Array[]): Uint8Array {
    return this.concat([arrayHeader(count), ...elements]);
  }

  private concat(parts: readonly Uint8Array[]): Uint8Array {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > this.maxFrameBytes) {
      throw new FrameError('PAYLOAD_TOO_LARGE', `frame of ${length} bytes exceeds the ${this.maxFrameBytes} byte limit`);
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  }

  /** Decodes one value; oversized or malformed input throws a {@link FrameError}, never anything else. */
  decode(bytes: Uint8Array): unknown {
    if (bytes.length > this.maxFrameBytes) {
      throw new FrameError('PAYLOAD_TOO_LARGE', `frame of ${bytes.length} bytes exceeds the ${this.maxFrameBytes} byte limit`);
    }
    if (bytes.length === 0) throw new FrameError('MALFORMED_FRAME', 'empty frame');
    let values: unknown[];
    try {
      values = this.packr.unpackMultiple(bytes) as unknown[];
    } catch (cause) {
      throw new FrameError('MALFORMED_FRAME', 'frame is not valid msgpack', { cause });
    }
    // One value exactly: trailing bytes, or msgpack's reserved 0xc1 byte (which msgpackr hands
    // back as a marker object instead of failing), mean the frame is not what the peer meant.
    if (values.length !== 1 || isReservedMarker(values[0])) {
      throw new FrameError('MALFORMED_FRAME', 'frame is not exactly one msgpack value');
    }
    return values[0];
  }

  decodeRequest(bytes: Uint8Array): RequestFrame {
    const value = this.decode(bytes);
    if (!isPlainObject(value) || typeof value['pattern'] !== 'string' || !('data' in value)) {
      throw new FrameError('MALFORMED_FRAME', 'frame is not a request ({ pattern, data, id? })');
    }
    const id = value['id'];
    if (id !== undefined && typeof id !== 'string') throw new FrameError('MALFORMED_FRAME', 'request id must be a string');
    return { pattern: value['pattern'], data: value['data'], id };
  }

  decodeReply(bytes: Uint8Array): ReplyFrame {
    const value = this.decode(bytes);
    if (!isPlainObject(value)) throw new FrameError('MALFORMED_FRAME', 'frame is not a reply');
    return value as ReplyFrame;
  }
}

/** The msgpack header of an array of `count` elements (fixarray, array 16 or array 32). */
function arrayHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x90 | count);
  if (count < 0x10000) return Uint8Array.of(0xdc, count >> 8, count & 0xff);
  return Uint8Array.of(0xdd, (count >>> 24) & 0xff, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff);
}

function isReservedMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'C1Type';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
