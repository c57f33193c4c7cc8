import { VerifiedCredentials } from './verified-credentials';

describe('VerifiedCredentials', () => {
  const limits = { ttlMs: 1000, maxEntries: 2 };

  it('given a remembered credential, when the same one is presented in time, then it matches; another one does not', () => {
    // given
    const verified = new VerifiedCredentials(limits);
    verified.remember('agent-1', 'lhc_right', 0);

    // when / then
    expect(verified.matches('agent-1', 'lhc_right', 999)).toBe(true);
    expect(verified.matches('agent-1', 'lhc_wrong', 999)).toBe(false);
    expect(verified.matches('agent-2', 'lhc_right', 999)).toBe(false);
  });

  it('given a remembered credential, when its time to live has passed, then it no longer matches and is dropped', () => {
    // given
    const verified = new VerifiedCredentials(limits);
    verified.remember('agent-1', 'lhc_right', 0);

    // when
    const late = verified.matches('agent-1', 'lhc_right', 1000);

    // then
    expect(late).toBe(false);
    expect(verified.size).toBe(0);
  });

  it('given a forgotten agent (revoked, or its credential replaced), when its old credential is presented, then it does not match', () => {
    // given
    const verified = new VerifiedCredentials(limits);
    verified.remember('agent-1', 'lhc_right', 0);

    // when
    verified.forget('agent-1');

    // then
    expect(verified.matches('agent-1', 'lhc_right', 1)).toBe(false);
  });

  it('given more agents than its bound, when one more is remembered, then the oldest goes first', () => {
    // given
    const verified = new VerifiedCredentials(limits);
    verified.remember('a', 'lhc_a', 0);
    verified.remember('b', 'lhc_b', 0);
    verified.remember('a', 'lhc_a', 1); // refreshed: now the newest

    // when
    verified.remember('c', 'lhc_c', 2);

    // then
    expect(verified.size).toBe(2);
    expect(verified.matches('b', 'lhc_b', 3)).toBe(false);
    expect(verified.matches('a', 'lhc_a', 3)).toBe(true);
    expect(verified.matches('c', 'lhc_c', 3)).toBe(true);
  });
});
