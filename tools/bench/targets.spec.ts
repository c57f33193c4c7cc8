import { p99UnderKey, TARGETS } from './targets';

describe('bench targets', () => {
  it('names a key after the limit it checks', () => {
    expect(p99UnderKey('highest_rate_held', TARGETS.speedLayerP99Ms)).toBe('highest_rate_held_p99_under_10ms');
    expect(p99UnderKey('memory_tier_in_service', TARGETS.memoryTierP99Ms)).toBe('memory_tier_in_service_p99_under_0_05ms');
    expect(p99UnderKey('target', 20)).toBe('target_p99_under_20ms');
  });
});
