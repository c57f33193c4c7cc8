/**
 * Event id → sequence, for every committed event: the index behind idempotent appends.
 *
 * Ids in the canonical form of a UUID (36 characters, lowercase hex, hyphens at 8, 13, 18, 23:
 * what `randomUUID()` makes) are kept as their 128 bits in an open-addressing table of typed
 * arrays; any other id (the contract allows uppercase hex too) in a plain `Map` under its exact
 * text. A lowercase UUID and its 128 bits are one-to-one, so the two halves never hold one id
 * twice and two different strings never meet in the table: the mapping is exactly the `Map<string,
 * number>` it replaces. What changes is the cost: a `Map` kept every id string alive, so each one
 * survived the young generation and was copied twice by the garbage collector on its way to the
 * old one; the table keeps no JavaScript object per id (about 34 to 69 bytes per id, off heap).
 */
export class IdTable {
  /**
   * Slots of six u32: the id's four words, then its sequence as low and high halves (0 and 0:
   * empty, as sequences start at 1). Key and value share a cache line, so a probe of a large
   * table costs one miss, not two.
   */
  private slots: Uint32Array;
  private mask: number;
  private used = 0;
  private readonly others = new Map<string, number>();
  private readonly words = new Uint32Array(4);

  constructor(initialSlots = 1 << 16) {
    const count = 2 ** Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.slots = new Uint32Array(count * STRIDE);
    this.mask = count - 1;
  }

  get size(): number {
    return this.used + this.others.size;
  }

  get(id: string): number | undefined {
    const words = this.words;
    if (!parseCanonicalUuid(id, words)) return this.others.get(id);
    const { slots, mask } = this;
    const w0 = words[0] as number;
    const w1 = words[1] as number;
    const w2 = words[2] as number;
    const w3 = words[3] as number;
    for (let slot = hashWords(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * STRIDE;
      const low = slots[at + 4] as number;
      const high = slots[at + 5] as number;
      if (low === 0 && high === 0) return undefined;
      if (slots[at] === w0 && slots[at + 1] === w1 && slots[at + 2] === w2 && slots[at + 3] === w3) return high * 0x1_0000_0000 + low;
    }
  }

  /** Records `id` at `sequence` (a safe integer ≥ 1), replacing what it held. */
  set(id: string, sequence: number): void {
    if (!(Number.isSafeInteger(sequence) && sequence >= 1)) throw new RangeError(`sequence ${sequence} is not a positive safe integer`);
    const words = this.words;
    if (!parseCanonicalUuid(id, words)) {
      this.others.set(id, sequence);
      return;
    }
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow();
    if (this.place(words[0] as number, words[1] as number, words[2] as number, words[3] as number, sequence >>> 0, Math.floor(sequence / 0x1_0000_0000))) this.used += 1;
  }

  /** Puts the key in its slot; true when the slot was empty. */
  private place(w0: number, w1: number, w2: number, w3: number, low: number, high: number): boolean {
    const { slots, mask } = this;
    for (let slot = hashWords(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * STRIDE;
      const empty = slots[at + 4] === 0 && slots[at + 5] === 0;
      if (empty || (slots[at] === w0 && slots[at + 1] === w1 && slots[at + 2] === w2 && slots[at + 3] === w3)) {
        slots[at] = w0;
        slots[at + 1] = w1;
        slots[at + 2] = w2;
        slots[at + 3] = w3;
        slots[at + 4] = low;
        slots[at + 5] = high;
        return empty;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const count = (this.mask + 1) * 2;
    this.slots = new Uint32Array(count * STRIDE);
    this.mask = count - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 4] === 0 && old[at + 5] === 0) continue;
      this.place(old[at] as number, old[at + 1] as number, old[at + 2] as number, old[at + 3] as number, old[at + 4] as number, old[at + 5] as number);
    }
  }
}

const STRIDE = 6;

/** Hex digit values of '0'-'9' and 'a'-'f'; -1 for every other code (uppercase included). */
const HEX = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 10; digit++) HEX[48 + digit] = digit;
for (let digit = 0; digit < 6; digit++) HEX[97 + digit] = 10 + digit;

const HYPHEN = 45;

/**
 * Writes the 128 bits of a canonical lowercase UUID into `out` (four big-endian u32 words);
 * false, leaving `out` unspecified, for any other string.
 */
export function parseCanonicalUuid(id: string, out: Uint32Array): boolean {
  if (id.length !== 36) return false;
  if (id.charCodeAt(8) !== HYPHEN || id.charCodeAt(13) !== HYPHEN || id.charCodeAt(18) !== HYPHEN || id.charCodeAt(23) !== HYPHEN) return false;
  let word = 0;
  let nibbles = 0;
  let index = 0;
  for (let position = 0; position < 36; position++) {
    if (position === 8 || position === 13 || position === 18 || position === 23) continue;
    const code = id.charCodeAt(position);
    const digit = code < 128 ? (HEX[code] as number) : -1;
    if (digit < 0) return false;
    word = (word << 4) | digit;
    if (++nibbles === 8) {
      out[index++] = word >>> 0;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

/** Mixes all four words (time-ordered UUIDs share their leading bits), murmur3's finalizer. */
function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(w2 ^ (w3 >>> 7) ^ (w3 << 25), 0xc2b2ae35) ^ w3;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
