import { LiveExperts } from './live-experts';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const event = (type: string, agent: string, data: Record<string, unknown>) => ({ type, agent, data });
const registered = () => {
  const live = new LiveExperts(300_000);
  live.onEvent(event('expert.registered', 'sec-1', { role: 'security_architect' }));
  return live;
};

describe('live experts', () => {
  it('given a registration, the role has an expert; another role has none', () => {
    expect(new LiveExperts(1000).anyLive('security_architect', T0)).toBe(false);
    expect(registered().anyLive('security_architect', T0)).toBe(true);
    expect(registered().anyLive('performance_engineer', T0)).toBe(false);
  });

  it('forgets an expert that deregistered, ended its session as an expert, was revoked or replaced', () => {
    for (const [type, data] of [
      ['expert.deregistered', { role: 'security_architect' }],
      ['session.ended', { expertDeregistered: true }],
      ['agent.revoked', {}],
      ['credential.issued', {}],
    ] as const) {
      const live = registered();
      live.onEvent(event(type, 'sec-1', data));
      expect(live.anyLive('security_architect', T0)).toBe(false);
    }
    const live = registered();
    live.onEvent(event('session.ended', 'sec-1', { expertDeregistered: false }));
    expect(live.anyLive('security_architect', T0)).toBe(true);
  });

  it('a role that let a question time out unclaimed is unserved for the cooldown, or until an expert registers again', () => {
    const live = registered();
    live.markUnserved('security_architect', T0);
    expect(live.anyLive('security_architect', T0 + 299_999)).toBe(false);
    expect(live.anyLive('security_architect', T0 + 300_000)).toBe(true);
    live.markUnserved('security_architect', T0);
    live.onEvent(event('expert.registered', 'sec-2', { role: 'security_architect' }));
    expect(live.anyLive('security_architect', T0 + 1)).toBe(true);
  });
});

describe('live experts snapshots', () => {
  it('restore(snapshot) knows the same experts; junk is refused, changing nothing', () => {
    const experts = new LiveExperts(1000);
    experts.onEvent({ type: 'expert.registered', agent: 'sec-1', data: { role: 'security_architect' } });
    experts.onEvent({ type: 'expert.registered', agent: 'perf-1', data: { role: 'performance_engineer' } });
    experts.onEvent({ type: 'expert.deregistered', agent: 'perf-1', data: {} });
    const copy = new LiveExperts(1000);
    copy.restore(JSON.parse(JSON.stringify(experts.snapshot())));
    expect([copy.anyLive('security_architect'), copy.anyLive('performance_engineer')]).toEqual([true, false]);
    expect(() => copy.restore([['a', 1]])).toThrow();
    expect(copy.anyLive('security_architect')).toBe(true);
  });
});
