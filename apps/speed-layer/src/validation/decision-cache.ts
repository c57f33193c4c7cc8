import { LRUCache } from 'lru-cache';

/**
 * Raw request → decision key, so a repeated request is not parsed again: with it a memory-tier
 * hit is two map lookups. Bounded like the memory tier itself.
 */
export class RequestKeyCache {
  private readonly keys: LRUCache<string, string>;

  constructor(max: number) {
    this.keys = new LRUCache({ max });
  }

  static rawKeyOf(tool: string, cwd: string, input: Record<string, unknown>): string {
    return `${tool}\u0000${cwd}\u0000${stableJson(input)}`;
  }

  get(raw: string): string | undefined {
    return this.keys.get(raw);
  }

  set(raw: string, decisionKey: string): void {
    this.keys.set(raw, decisionKey);
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are one request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
