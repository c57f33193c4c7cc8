import { decodeSnapshot, encodeSnapshot } from './snapshot-codec';

const expect_ = { kind: 'router', stateVersion: 2, lastSequence: 100 };
const state = { items: [['a', 1], ['b', 2]], nested: { text: 'é ünïcode', n: 2 ** 40 } };

describe('snapshot codec', () => {
  it('gives back the state, the sequence and the header it was written with', () => {
    const bytes = encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 42, state, takenAt: new Date('2026-12-07T10:00:00Z') });
    const decoded = decodeSnapshot(bytes, expect_);
    expect(decoded).toMatchObject({ ok: true, header: { format: 1, kind: 'router', stateVersion: 2, sequence: 42, takenAt: '2026-12-07T10:00:00.000Z' }, state });
  });

  it('refuses a snapshot of another kind or state version, or ahead of the log', () => {
    const bytes = encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 42, state });
    expect(decodeSnapshot(bytes, { ...expect_, kind: 'speed-layer' })).toEqual({ ok: false, reason: 'snapshot of router, not speed-layer' });
    expect(decodeSnapshot(bytes, { ...expect_, stateVersion: 3 })).toEqual({ ok: false, reason: 'snapshot state version 2, this follower reads 3' });
    expect(decodeSnapshot(bytes, { ...expect_, lastSequence: 41 })).toEqual({ ok: false, reason: 'snapshot at sequence 42 is ahead of the log (last 41)' });
    expect(decodeSnapshot(bytes, { ...expect_, lastSequence: 42 }).ok).toBe(true);
  });

  it('refuses a snapshot whose state bytes were changed (the digest no longer matches)', () => {
    const bytes = Buffer.from(encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 42, state }));
    const at = bytes.indexOf(Buffer.from('nïcode'));
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'N'.charCodeAt(0);
    expect(decodeSnapshot(bytes, expect_)).toEqual({ ok: false, reason: 'snapshot state does not match its digest' });
  });

  it('answers a reason, never throws, for bytes that are not a snapshot', () => {
    for (const junk of [new Uint8Array(0), Buffer.from('hello'), Buffer.from([0xc1]), Buffer.from([0x81, 0xa6, 0x68, 0x65, 0x61, 0x64, 0x65, 0x72, 0x01])]) {
      const decoded = decodeSnapshot(junk, expect_);
      expect(decoded.ok).toBe(false);
    }
  });

  it('carries an object of more than 65 535 keys (a search index keeps its documents so)', () => {
    const wide = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [String(i), i]));
    const decoded = decodeSnapshot(encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 1, state: { wide } }), expect_);
    expect(decoded.ok && Object.keys((decoded.state as { wide: object }).wide).length).toBe(70_000);
  });

  it('will not write a sequence that is not a whole number', () => {
    expect(() => encodeSnapshot({ kind: 'k', stateVersion: 1, sequence: -1, state })).toThrow(RangeError);
    expect(() => encodeSnapshot({ kind: 'k', stateVersion: 1, sequence: 1.5, state })).toThrow(RangeError);
  });
});
