import { PresenceThrottle } from './presence-throttle';

describe('PresenceThrottle', () => {
  const limits = { intervalMs: 1000, maxEntries: 2 };

  it('given an alive sent, when the same agent is alive again within the interval, then nothing is sent; after it, one is', () => {
    // given
    const throttle = new PresenceThrottle(limits);
    expect(throttle.alive('agent-1', 0)).toBe(true);

    // when / then
    expect(throttle.alive('agent-1', 999)).toBe(false);
    expect(throttle.alive('agent-2', 999)).toBe(true);
    expect(throttle.alive('agent-1', 1000)).toBe(true);
    expect(throttle.alive('agent-1', 1999)).toBe(false);
  });

  it('given an alive sent, when the agent is gone, then its next alive is sent at once', () => {
    // given
    const throttle = new PresenceThrottle(limits);
    throttle.alive('agent-1', 0);

    // when
    throttle.gone('agent-1');

    // then
    expect(throttle.alive('agent-1', 1)).toBe(true);
  });

  it('given an interval of 0, when an agent is alive twice at the same moment, then both are sent', () => {
    const throttle = new PresenceThrottle({ intervalMs: 0, maxEntries: 2 });
    expect(throttle.alive('agent-1', 5)).toBe(true);
    expect(throttle.alive('agent-1', 5)).toBe(true);
  });

  it('given the clock went back, when the agent is alive, then it is sent', () => {
    const throttle = new PresenceThrottle(limits);
    throttle.alive('agent-1', 5000);
    expect(throttle.alive('agent-1', 4000)).toBe(true);
  });

  it('given more agents than it keeps, when the oldest is alive again within the interval, then it is sent (forgetting only sends more)', () => {
    // given
    const throttle = new PresenceThrottle(limits);
    throttle.alive('agent-1', 0);
    throttle.alive('agent-2', 1);
    throttle.alive('agent-3', 2);

    // when / then
    expect(throttle.size).toBe(2);
    expect(throttle.alive('agent-1', 3)).toBe(true);
    expect(throttle.alive('agent-3', 4)).toBe(false);
  });
});
