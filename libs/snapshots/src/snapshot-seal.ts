import { createHmac, timingSafeEqual } from 'node:crypto';
import { Packr } from 'msgpackr';

/**
 * The HMAC keys snapshots are signed with: the event log's keyring (the same `id:secret` keys and
 * active key that sign the chain and checkpoints). `Keyring` of the event log has this shape;
 * {@link SnapshotKeyring} builds one from the configured keys without depending on the log.
 */
export interface SnapshotKeys {
  /** The key new snapshots are signed with. */
  readonly activeKeyId: number;
  has(keyId: number): boolean;
  /** HMAC-SHA256 over the parts with key `keyId`, or undefined when the key is unknown. */
  mac(keyId: number, ...parts: Uint8Array[]): Uint8Array | undefined;
}

/** The keyring from configured keys (ids are u16; each secret at least 32 bytes); the active key defaults to the highest id. */
export class SnapshotKeyring implements SnapshotKeys {
  private readonly secrets = new Map<number, Buffer>();
  readonly activeKeyId: number;

  constructor(keys: ReadonlyArray<{ id: number; secret: Uint8Array }>, activeKeyId?: number) {
    for (const { id, secret } of keys) {
      if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`key id ${id} is not a u16`);
      if (!(secret instanceof Uint8Array) || secret.length < 32) throw new RangeError(`key ${id} must be at least 32 bytes`);
      this.secrets.set(id, Buffer.from(secret));
    }
    if (this.secrets.size === 0) throw new RangeError('a keyring with at least one HMAC key is required');
    this.activeKeyId = activeKeyId ?? Math.max(...this.secrets.keys());
    if (!this.secrets.has(this.activeKeyId)) throw new RangeError(`active key id ${this.activeKeyId} is not in the keyring`);
  }

  has(keyId: number): boolean {
    return this.secrets.has(keyId);
  }

  mac(keyId: number, ...parts: Uint8Array[]): Uint8Array | undefined {
    const secret = this.secrets.get(keyId);
    if (!secret) return undefined;
    const hmac = createHmac('sha256', secret);
    for (const part of parts) hmac.update(part);
    return hmac.digest();
  }
}

/** Why a stored snapshot was refused before anything in it was read (the metric's `reason` label). */
export type SnapshotRefusal = 'unsigned' | 'unknown_key' | 'bad_mac';

export type OpenedSnapshot = { ok: true; keyId: number; sequence: number; body: Uint8Array } | { ok: false; refusal: SnapshotRefusal; reason: string };

// Separates snapshot MACs from the log's record and checkpoint MACs made with the same keys.
const DOMAIN = Buffer.from('lighthouse follower snapshot v1\0', 'utf8');
const SEAL_VERSION = 1;
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number', variableMapSize: true });

/** What the MAC covers: the domain, the snapshot's key (follower kind), the sequence it covers, and its bytes. */
function signed(kind: string, sequence: number, body: Uint8Array): Uint8Array[] {
  const name = Buffer.from(kind, 'utf8');
  const fixed = Buffer.alloc(4 + 8);
  fixed.writeUInt32BE(name.length, 0);
  fixed.writeBigUInt64BE(BigInt(sequence), 4);
  return [DOMAIN, fixed.subarray(0, 4), name, fixed.subarray(4), body];
}

/** Wraps an encoded snapshot of `kind` covering `sequence` with an HMAC under the active key. */
export function sealSnapshot(keys: SnapshotKeys, kind: string, sequence: number, body: Uint8Array): Uint8Array {
  const keyId = keys.activeKeyId;
  const mac = keys.mac(keyId, ...signed(kind, sequence, body));
  if (!mac) throw new Error(`the active snapshot key ${keyId} is not in the keyring`);
  return packr.pack({ seal: SEAL_VERSION, keyId, sequence, mac: Buffer.from(mac), body: Buffer.from(body) });
}

/**
 * Checks the MAC of a stored snapshot against the kind the follower expects (the key it read)
 * before anything in it is trusted. Never throws: a snapshot with no MAC, a MAC under a key not
 * in the keyring, or one that does not match is refused with a reason.
 */
export function openSnapshot(keys: SnapshotKeys, kind: string, bytes: Uint8Array): OpenedSnapshot {
  let outer: unknown;
  try {
    outer = packr.unpack(bytes);
  } catch (error) {
    return { ok: false, refusal: 'unsigned', reason: `snapshot refused: not a signed snapshot (${(error as Error).message})` };
  }
  const sealed = outer as { seal?: unknown; keyId?: unknown; sequence?: unknown; mac?: unknown; body?: unknown } | null;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (sealed === null || typeof sealed !== 'object' || sealed.seal !== SEAL_VERSION || !(sealed.mac instanceof Uint8Array) || !(sealed.body instanceof Uint8Array) || !whole(sealed.keyId) || !whole(sealed.sequence)) {
    return { ok: false, refusal: 'unsigned', reason: 'snapshot refused: it carries no MAC' };
  }
  const { keyId, sequence, mac, body } = sealed as { keyId: number; sequence: number; mac: Uint8Array; body: Uint8Array };
  if (!keys.has(keyId)) return { ok: false, refusal: 'unknown_key', reason: `snapshot refused: signed with key id ${keyId}, not in the keyring` };
  const expected = keys.mac(keyId, ...signed(kind, sequence, body));
  if (!expected || expected.length !== mac.length || !timingSafeEqual(expected, mac)) {
    return { ok: false, refusal: 'bad_mac', reason: `snapshot refused: its MAC does not match (key id ${keyId}, ${kind} at sequence ${sequence})` };
  }
  return { ok: true, keyId, sequence, body };
}
