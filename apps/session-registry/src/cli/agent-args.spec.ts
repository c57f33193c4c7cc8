import { parseAgentArgs } from './agent-args';

describe('agent command arguments', () => {
  it('takes the agent id in either form', () => {
    expect(parseAgentArgs(['--agent', 'reviewer-1'])).toEqual({ agentId: 'reviewer-1', roles: [] });
    expect(parseAgentArgs(['--agent=me@example.com'])).toEqual({ agentId: 'me@example.com', roles: [] });
  });

  it('takes the granted roles, comma-separated, where roles are accepted', () => {
    expect(parseAgentArgs(['--agent', 'a', '--roles', 'security_architect,code_reviewer'], { roles: true })).toEqual({ agentId: 'a', roles: ['security_architect', 'code_reviewer'] });
    expect(parseAgentArgs(['--roles=test_engineer', '--agent=a'], { roles: true })).toEqual({ agentId: 'a', roles: ['test_engineer'] });
    expect(parseAgentArgs(['--agent', 'a', '--roles', ''], { roles: true })).toEqual({ agentId: 'a', roles: [] });
  });

  it('refuses a missing, invalid or unknown argument with the usage', () => {
    expect(() => parseAgentArgs([])).toThrow(/usage/);
    expect(() => parseAgentArgs(['--agent'])).toThrow(/--agent needs/);
    expect(() => parseAgentArgs(['--agent', 'a b'])).toThrow(/--agent needs/);
    expect(() => parseAgentArgs(['--agent', 'a', '--force'])).toThrow(/unknown argument "--force"/);
    expect(() => parseAgentArgs(['--agent', 'a', '--roles', 'security_architect'])).toThrow(/unknown argument "--roles"/);
    expect(() => parseAgentArgs(['--agent', 'a', '--roles', 'Not A Role'], { roles: true })).toThrow(/--roles needs/);
  });
});
