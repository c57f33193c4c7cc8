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

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are one request (built as one string, no arrays of parts). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (i in value ? stableJson(value[i]) : '');
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length > 1) keys.sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      out += `${i > 0 ? ',' : ''}${JSON.stringify(key)}:${stableJson(record[key])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
