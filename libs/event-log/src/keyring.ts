import { InvalidInputError } from './errors/invalid-input.error';
import { HmacSha256 } from './hmac-sha256';

/** Minimum HMAC key length: as long as the SHA-256 output, so the key is never the weak link. */
export const MIN_KEY_BYTES = 32;

/** Secrets the caller hands over; key ids are u16 and are stored in every record. */
export interface KeyringInput {
  keys: ReadonlyMap<number, Uint8Array> | ReadonlyArray<{ id: number; secret: Uint8Array }>;
  /** Key new records and checkpoints are signed with. Rotate by adding a key and activating it. */
  activeKeyId: number;
}

/**
 * The HMAC keys of a log. Old keys stay so records written under them still verify; there is
 * deliberately no default secret.
 */
export class Keyring {
  private readonly macs = new Map<number, HmacSha256>();

  private constructor(
    private readonly secrets: ReadonlyMap<number, Buffer>,
    readonly activeKeyId: number,
  ) {
    for (const [id, secret] of secrets) this.macs.set(id, new HmacSha256(secret));
  }

  /** Validates the caller's keys; throws {@link InvalidInputError} when unusable. */
  static from(input: KeyringInput | Keyring): Keyring {
    if (input instanceof Keyring) return input;
    if (!input || !input.keys) throw new InvalidInputError('a keyring with at least one HMAC key is required');
    const secrets = new Map<number, Buffer>();
    for (const [id, secret] of entriesOf(input.keys)) secrets.set(checkId(id), checkSecret(id, secret));
    if (secrets.size === 0) throw new InvalidInputError('a keyring with at least one HMAC key is required');
    if (!secrets.has(input.activeKeyId)) {
      throw new InvalidInputError(`active key id ${input.activeKeyId} is not in the keyring`);
    }
    return new Keyring(secrets, input.activeKeyId);
  }

  has(keyId: number): boolean {
    return this.secrets.has(keyId);
  }

  /** HMAC-SHA256 over the parts with key `keyId`, or undefined when the key is unknown. */
  mac(keyId: number, ...parts: Uint8Array[]): Buffer | undefined {
    return this.macs.get(keyId)?.digest(parts);
  }

  /** A chain link with key `keyId` as a latin1 string of its 32 bytes (see {@link HmacSha256.link}), or undefined when the key is unknown. */
  link(keyId: number, previous: Uint8Array | string, sequence: number, payload: Uint8Array): string | undefined {
    return this.macs.get(keyId)?.link(previous, sequence, payload);
  }

  /** The raw secrets, for handing to the verification worker thread only. */
  secretsForWorker(): Array<[number, Buffer]> {
    return [...this.secrets];
  }
}

function entriesOf(keys: KeyringInput['keys']): Array<[number, Uint8Array]> {
  if (keys instanceof Map) return [...keys.entries()];
  if (Array.isArray(keys)) return keys.map((key: { id: number; secret: Uint8Array }) => [key.id, key.secret]);
  throw new InvalidInputError('keyring.keys must be a Map or an array of { id, secret }');
}

function checkId(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new InvalidInputError(`key id ${id} is not a u16`);
  return id;
}

function checkSecret(id: number, secret: Uint8Array): Buffer {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_KEY_BYTES) {
    throw new InvalidInputError(`key ${id} must be at least ${MIN_KEY_BYTES} bytes`);
  }
  return Buffer.from(secret);
}
