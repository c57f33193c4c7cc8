import { basename, dirname, join } from 'node:path';
import type { Keyring } from './keyring';
import type { FileSystemPort } from './fs-port';
import { fsyncDirectory, isNotFound, writeFileSynced, writeFully } from './file-io';
import { HMAC_BYTES, sameHmac } from './record-codec';

/** `LHCK | u16 version | u16 key id | u64 last sequence | 32-byte chain head | 32-byte HMAC`. */
export const CHECKPOINT_BYTES = 80;
const SIGNED_BYTES = CHECKPOINT_BYTES - HMAC_BYTES;
const MAGIC = Buffer.from('LHCK');
const VERSION = 1;
// Domain separation: a checkpoint MAC can never be replayed as a record HMAC or vice versa.
const DOMAIN = Buffer.from('lighthouse/event-log/checkpoint/v1');

/** Where the log says it ended the last time it wrote the checkpoint. */
export interface CheckpointState {
  lastSequence: number;
  chainHead: Buffer;
  keyId: number;
}

/** Default location: inside the log directory. Pass another path to keep it on other storage. */
export function defaultCheckpointPath(dir: string): string {
  return join(dir, 'checkpoint');
}

/** The signed bytes of a checkpoint, MACed with the keyring's active key. */
export function encodeCheckpoint(keyring: Keyring, lastSequence: number, chainHead: Buffer): Buffer {
  const bytes = Buffer.alloc(CHECKPOINT_BYTES);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt16BE(VERSION, 4);
  bytes.writeUInt16BE(keyring.activeKeyId, 6);
  bytes.writeBigUInt64BE(BigInt(lastSequence), 8);
  chainHead.copy(bytes, 16);
  const mac = keyring.mac(keyring.activeKeyId, DOMAIN, bytes.subarray(0, SIGNED_BYTES));
  mac?.copy(bytes, SIGNED_BYTES);
  return bytes;
}

/** Decodes and authenticates checkpoint bytes; a reason string when they are not genuine. */
export function decodeCheckpoint(keyring: Keyring, bytes: Buffer): CheckpointState | string {
  if (bytes.length !== CHECKPOINT_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) return 'not a checkpoint file';
  if (bytes.readUInt16BE(4) !== VERSION) return `unknown checkpoint version ${bytes.readUInt16BE(4)}`;
  const keyId = bytes.readUInt16BE(6);
  if (!keyring.has(keyId)) return `checkpoint is signed with unknown key id ${keyId}`;
  const mac = keyring.mac(keyId, DOMAIN, bytes.subarray(0, SIGNED_BYTES));
  if (!sameHmac(mac, bytes.subarray(SIGNED_BYTES))) return 'checkpoint HMAC does not match';
  return {
    keyId,
    lastSequence: Number(bytes.readBigUInt64BE(8)),
    chainHead: Buffer.from(bytes.subarray(16, 16 + HMAC_BYTES)),
  };
}

/** The checkpoint bytes, or undefined when the file does not exist. */
export async function readCheckpointBytes(fs: FileSystemPort, path: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The open checkpoint file of a writable log.
 *
 * Trade-off: it is rewritten in place (one pwrite of 80 bytes, within one sector) after every
 * durable batch but fsynced only every `syncIntervalMs`, at rotation and at close. Because the
 * segments are fdatasynced before the checkpoint is written, the checkpoint can lag the log after
 * a power loss but never lead it; rollback detection therefore covers everything up to the last
 * synced checkpoint, at the price of not seeing a rollback of the final interval's events.
 */
export class CheckpointFile {
  private dirty = false;
  private lastSync = Date.now();

  private constructor(
    private readonly fs: FileSystemPort,
    private readonly fd: number,
    private readonly keyring: Keyring,
    private readonly syncIntervalMs: number,
  ) {}

  /** Opens `path`, creating it atomically (temp file, fsync, rename, fsync dir) when missing. */
  static async open(
    fs: FileSystemPort,
    path: string,
    keyring: Keyring,
    syncIntervalMs: number,
  ): Promise<CheckpointFile> {
    if ((await readCheckpointBytes(fs, path)) === undefined) await createAtomically(fs, path, keyring);
    const fd = await fs.open(path, 'r+');
    return new CheckpointFile(fs, fd, keyring, syncIntervalMs);
  }

  /** Records the new durable end of the log (not fsynced; see the class comment). */
  async write(lastSequence: number, chainHead: Buffer): Promise<void> {
    await writeFully(this.fs, this.fd, encodeCheckpoint(this.keyring, lastSequence, chainHead), 0);
    this.dirty = true;
  }

  /** Fsyncs when the interval has passed since the last sync. */
  async syncIfDue(): Promise<void> {
    if (this.dirty && Date.now() - this.lastSync >= this.syncIntervalMs) await this.sync();
  }

  async sync(): Promise<void> {
    if (!this.dirty) return;
    await this.fs.fdatasync(this.fd);
    this.dirty = false;
    this.lastSync = Date.now();
  }

  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.fs.close(this.fd);
    }
  }
}

async function createAtomically(fs: FileSystemPort, path: string, keyring: Keyring): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir);
  const temp = join(dir, `${basename(path)}.tmp`);
  await writeFileSynced(fs, temp, encodeCheckpoint(keyring, 0, Buffer.alloc(HMAC_BYTES)));
  await fs.rename(temp, path);
  await fsyncDirectory(fs, dir);
}
