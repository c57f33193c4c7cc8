import { LRUCache } from 'lru-cache';
import type { NormalisedToolCall } from '../normalised.schema';
import { normaliseInContext, parseContext, stableJson } from '../tool/tool-call-normaliser';
import type { DecisionContextInput, ToolCall } from '../tool/tool-call.schema';

/**
 * Remembers normalisations of recent raw tool calls, so the hot path of the memory tier (the
 * same `git status` again) skips the shell parser. Results are deep-frozen and shared: treat
 * them as read-only. Keyed by the call and the context fields normalisation reads.
 */
export class NormalisationCache {
  private readonly cache: LRUCache<string, NormalisedToolCall>;

  constructor(options: { readonly max?: number } = {}) {
    this.cache = new LRUCache<string, NormalisedToolCall>({ max: options.max ?? 1_000 });
  }

  normalise(toolCall: ToolCall, context: DecisionContextInput): NormalisedToolCall {
    const ctx = parseContext(context);
    const key = `${stableJson(toolCall)}\u0000${stableJson([ctx.workspaceRoot, ctx.cwd ?? null, ctx.homeDir, ctx.tmpDirs, ctx.environment])}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const normalised = deepFreeze(normaliseInContext(toolCall, ctx));
    this.cache.set(key, normalised);
    return normalised;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as Record<string, unknown>)) deepFreeze(inner);
  }
  return value;
}
