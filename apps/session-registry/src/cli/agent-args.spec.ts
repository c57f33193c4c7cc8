import { parseAgentArgs } from './agent-args';

describe('agent command arguments', () => {
  it('takes the agent id in either form', () => {
    expect(parseAgentArgs(['--agent', 'reviewer-1'])).toBe('reviewer-1');
    expect(parseAgentArgs(['--agent=me@example.com'])).toBe('me@example.com');
  });

  it('refuses a missing, invalid or unknown argument with the usage', () => {
    expect(() => parseAgentArgs([])).toThrow(/usage/);
    expect(() => parseAgentArgs(['--agent'])).toThrow(/--agent needs/);
    expect(() => parseAgentArgs(['--agent', 'a b'])).toThrow(/--agent needs/);
    expect(() => parseAgentArgs(['--agent', 'a', '--force'])).toThrow(/unknown argument "--force"/);
  });
});
