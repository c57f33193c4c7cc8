import { UncacheableDecisionError } from '../errors/uncacheable-decision.error';
import { MemoryTier, type CachedDecision } from './memory-tier';

const allow: CachedDecision = { decision: 'allow', source: 'policy', reason: 'no rule matched' };
const deny: CachedDecision = { decision: 'deny', source: 'expert', reason: 'expert said no' };

describe('MemoryTier', () => {
  it('given a stored decision, when looked up, then it is returned and hits and misses are counted', () => {
    const tier = new MemoryTier();
    expect(tier.get('k')).toBeUndefined();
    tier.set('k', deny);
    expect(tier.get('k')).toEqual(deny);
    expect(tier.stats()).toEqual({ hits: 1, misses: 1, size: 1, max: 10_000, hitRate: 0.5 });
  });

  it('given more entries than max, when filled, then the least recently used is evicted', () => {
    const tier = new MemoryTier({ max: 2 });
    tier.set('a', allow);
    tier.set('b', allow);
    tier.get('a');
    tier.set('c', allow);
    expect([tier.get('a'), tier.get('b'), tier.get('c')].map(Boolean)).toEqual([true, false, true]);
  });

  it('given a TTL, when the clock passes it, then the entry is forgotten', () => {
    let now = 1_000;
    const tier = new MemoryTier({ ttlMs: 50, clock: { now: () => now } });
    tier.set('k', allow);
    now += 49;
    expect(tier.get('k')).toEqual(allow);
    now += 2;
    expect(tier.get('k')).toBeUndefined();
  });

  it('given an entry with a lifetime of its own (a human\'s "allow this pattern for a time"), it is forgotten then, others are kept', () => {
    let now = 1_000;
    const tier = new MemoryTier({ clock: { now: () => now } });
    tier.set('timed', allow, 60_000);
    tier.set('kept', allow);
    now += 59_999;
    expect(tier.get('timed')).toEqual(allow);
    now += 2;
    expect(tier.get('timed')).toBeUndefined();
    expect(tier.get('kept')).toEqual(allow);
  });

  it('given a namespace, when two tiers share keys, then their entries are told apart on delete and clear', () => {
    const tier = new MemoryTier({ namespace: 'policy-v2:' });
    tier.set('k', allow);
    expect(tier.delete('k')).toBe(true);
    tier.set('k', allow);
    tier.clear();
    expect(tier.stats().size).toBe(0);
  });

  it('given an escalation or a pattern guess, when stored, then it is refused', () => {
    const tier = new MemoryTier();
    expect(() => tier.set('k', { ...allow, decision: 'escalate' } as unknown as CachedDecision)).toThrow(UncacheableDecisionError);
    expect(() => tier.set('k', { ...allow, source: 'pattern' } as unknown as CachedDecision)).toThrow(UncacheableDecisionError);
  });
});
