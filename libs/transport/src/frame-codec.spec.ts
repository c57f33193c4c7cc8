import { randomBytes } from 'node:crypto';
import { pack } from 'msgpackr';
import { FrameCodec, FrameError } from './frame-codec';

describe('FrameCodec', () => {
  const codec = new FrameCodec(1024);

  it('round-trips a request frame', () => {
    const frame = { pattern: 'lh.x.cmd.y.v1', data: { a: 1, b: ['c'] }, id: '1' };
    expect(codec.decodeRequest(codec.encode(frame))).toEqual(frame);
  });

  it('refuses to encode a frame over the limit', () => {
    expect(() => codec.encode({ blob: 'x'.repeat(2000) })).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
  });

  it('refuses to decode a frame over the limit before parsing it', () => {
    expect(() => codec.decode(new Uint8Array(1025))).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
  });

  it('rejects bytes that are not msgpack', () => {
    expect(() => codec.decode(Uint8Array.from([0xc1]))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
    expect(() => codec.decode(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
    expect(() => codec.decode(Uint8Array.from([0x01, 0x02]))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
  });

  it('rejects msgpack that is not a request', () => {
    expect(() => codec.decodeRequest(pack([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
    expect(() => codec.decodeRequest(pack({ pattern: 7, data: 1 }))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
    expect(() => codec.decodeRequest(pack({ pattern: 'a', data: 1, id: {} }))).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
  });

  it('assembles an array of values encoded one by one, for every array header size, within the frame limit', () => {
    const big = new FrameCodec(4 * 1024 * 1024);
    for (const count of [1, 15, 16, 65_535, 65_536]) {
      const values = Array.from({ length: count }, (_, i) => ({ i, s: `v${i}` }));
      expect(big.decode(big.encodeArrayOf(values.map((value) => big.encodeValue(value))))).toEqual(values);
    }
    const parts = Array.from({ length: 3 }, () => codec.encodeValue('x'.repeat(400)));
    expect(() => codec.encodeArrayOf(parts)).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
  });

  it('moves the elements of encoded arrays into one array and wraps encoded values in a map, without decoding them', () => {
    const big = new FrameCodec(4 * 1024 * 1024);
    const arrays = [[1, 'a'], Array.from({ length: 20 }, (_, i) => ({ i })), Array.from({ length: 70_000 }, (_, i) => i)];
    const slices = arrays.map((values) => big.arrayElements(big.encode(values)));
    expect(slices.map((slice) => slice?.count)).toEqual([2, 20, 70_000]);
    const merged = big.encodeArrayFrom(70_022, slices.map((slice) => (slice as { elements: Uint8Array }).elements));
    expect(big.decode(merged)).toEqual(arrays.flat());
    expect(big.decode(big.encodeMapOf([['pattern', big.encodeValue('p')], ['data', big.encodeMapOf([['events', merged]])]]))).toEqual({ pattern: 'p', data: { events: arrays.flat() } });
    expect(big.arrayElements(big.encode({ not: 'an array' }))).toBeUndefined();
    expect(big.arrayElements(new Uint8Array(0))).toBeUndefined();
  });

  it('answers any random input with a request or a FrameError, nothing else', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(1 + (i % 64));
      try {
        codec.decodeRequest(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(FrameError);
      }
    }
  });
});
