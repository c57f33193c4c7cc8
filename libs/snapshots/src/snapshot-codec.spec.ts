import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec';

const expect_ = { kind: 'router', stateVersion: 2, lastSequence: 100 };
const state = { items: [['a', 1], ['b', 2]], nested: { text: 'é ünïcode', n: 2 ** 40 } };

describe('snapshot codec', () => {
  it('gives back the state, the sequence and the header it was written with', () => {
    const bytes = encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 42, state, takenAt: new Date('2026-12-07T10:00:00Z') });
    const decoded = decodeSnapshot(bytes, expect_);
    expect(decoded).toMatchObject({ ok: true, header: { format: 2, kind: 'router', stateVersion: 2, sequence: 42, takenAt: '2026-12-07T10:00:00.000Z' }, state });
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

  it('writes rows of named fields once per layout (records), and gives back objects keyed by ids as they were', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: `d${i}`, state: 'completed', requester: 'agent-1', claimEpoch: 1, result: i % 2 ? { verdict: 'approve' } : null }));
    const postings = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [String(i), { [String(i * 7)]: 1 }]));
    const written = encodeSnapshot({ kind: 'router', stateVersion: 2, sequence: 1, state: { rows, postings } });
    const decoded = decodeSnapshot(written, expect_);
    expect(decoded.ok && decoded.state).toEqual({ rows, postings });
    const asMaps = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true }).pack({ rows, postings });
    expect(written.length).toBeLessThan(asMaps.length * 0.8);
  });

  it('still reads a snapshot of format 1 (every object a map)', () => {
    const maps = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number', variableMapSize: true });
    const packed = maps.pack(state);
    const header = { format: 1, kind: 'router', stateVersion: 2, sequence: 42, takenAt: '2026-12-07T10:00:00.000Z', digest: createHash('sha256').update(packed).digest('hex'), bytes: packed.length, anchor: null };
    expect(decodeSnapshot(maps.pack({ header, state: packed }), expect_)).toMatchObject({ ok: true, header: { format: 1 }, state });
    expect(decodeSnapshot(maps.pack({ header: { ...header, format: 3 }, state: packed }), expect_)).toEqual({ ok: false, reason: 'snapshot format 3, this follower reads 1 and 2' });
  });

  it('will not write a sequence that is not a whole number', () => {
    expect(() => encodeSnapshot({ kind: 'k', stateVersion: 1, sequence: -1, state })).toThrow(RangeError);
    expect(() => encodeSnapshot({ kind: 'k', stateVersion: 1, sequence: 1.5, state })).toThrow(RangeError);
  });
});
