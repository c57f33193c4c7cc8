import { decodeSnapshot, encodeSnapshot } from './snapshot-codec';
import { SnapshotKeyring, openSnapshot, sealSnapshot } from './snapshot-seal';

const keys = new SnapshotKeyring([
  { id: 1, secret: Buffer.alloc(32, 1) },
  { id: 2, secret: Buffer.alloc(32, 2) },
]);
const body = encodeSnapshot({ kind: 'delegation-router', stateVersion: 1, sequence: 40, state: { delegations: [['d1', 'granted']] } });
const genuine = () => Buffer.from(sealSnapshot(keys, 'delegation-router', 40, body));

describe('snapshot seal (HMAC-SHA256 under the event log keyring)', () => {
  it('accepts a genuine snapshot, signed with the active (highest) key', () => {
    const opened = openSnapshot(keys, 'delegation-router', genuine());
    expect(opened).toMatchObject({ ok: true, keyId: 2, sequence: 40 });
    if (!opened.ok) throw new Error('refused');
    const decoded = decodeSnapshot(opened.body, { kind: 'delegation-router', stateVersion: 1, lastSequence: 40 });
    expect(decoded.ok && decoded.state).toEqual({ delegations: [['d1', 'granted']] });
  });

  it('still accepts a snapshot signed with an older key of the keyring (rotation)', () => {
    const old = new SnapshotKeyring([{ id: 1, secret: Buffer.alloc(32, 1) }]);
    expect(openSnapshot(keys, 'delegation-router', sealSnapshot(old, 'delegation-router', 40, body))).toMatchObject({ ok: true, keyId: 1 });
  });

  it('refuses a snapshot with any byte edited', () => {
    const bytes = genuine();
    let refused = 0;
    for (let i = 0; i < bytes.length; i++) {
      const edited = Buffer.from(bytes);
      edited[i] = (edited[i] as number) ^ 0x01;
      const opened = openSnapshot(keys, 'delegation-router', edited);
      if (!opened.ok) refused++;
      // An edit may leave a MAC-less or unreadable envelope, never one that opens.
      expect(opened.ok).toBe(false);
    }
    expect(refused).toBe(bytes.length);
  });

  it('refuses a snapshot signed with a wrong key, and names an unknown key id', () => {
    const wrong = new SnapshotKeyring([{ id: 2, secret: Buffer.alloc(32, 9) }]);
    expect(openSnapshot(keys, 'delegation-router', sealSnapshot(wrong, 'delegation-router', 40, body))).toMatchObject({ ok: false, refusal: 'bad_mac' });
    const unknown = new SnapshotKeyring([{ id: 7, secret: Buffer.alloc(32, 1) }]);
    expect(openSnapshot(keys, 'delegation-router', sealSnapshot(unknown, 'delegation-router', 40, body))).toMatchObject({ ok: false, refusal: 'unknown_key', reason: expect.stringMatching(/key id 7/) });
  });

  it('refuses a snapshot with no MAC (the unsigned envelope, or garbage)', () => {
    expect(openSnapshot(keys, 'delegation-router', body)).toMatchObject({ ok: false, refusal: 'unsigned' });
    expect(openSnapshot(keys, 'delegation-router', Buffer.from('garbage'))).toMatchObject({ ok: false, refusal: 'unsigned' });
  });

  it('refuses a genuine snapshot presented under another name, or as covering another sequence', () => {
    expect(openSnapshot(keys, 'speed-layer', genuine())).toMatchObject({ ok: false, refusal: 'bad_mac' });
    // The envelope's sequence rewritten (an old snapshot passed off as newer): the MAC binds it.
    const sealed = Buffer.from(sealSnapshot(keys, 'delegation-router', 40, body));
    const at = sealed.indexOf(Buffer.from([0xa8, ...Buffer.from('sequence'), 40]));
    expect(at).toBeGreaterThan(0);
    sealed[at + 9] = 41;
    expect(openSnapshot(keys, 'delegation-router', sealed)).toMatchObject({ ok: false, refusal: 'bad_mac' });
  });
});
