import { AgentDirectory } from './agent-directory';

describe('the agent directory (who a message may name)', () => {
  const event = (type: string, agent: string, sequence: number) => ({ type, agent, sequence });

  it('given a credential issued to bo, then bo is an agent; revoked later, not; issued again, again', () => {
    const directory = new AgentDirectory();
    directory.apply(event('credential.issued', 'bo', 1));
    expect(directory.has('bo')).toBe(true);
    directory.apply(event('agent.revoked', 'bo', 5));
    expect(directory.has('bo')).toBe(false);
    directory.apply(event('credential.issued', 'bo', 9));
    expect(directory.has('bo')).toBe(true);
  });

  it('given events out of order (a store look-up after the follower), then the latest sequence wins; other types change nothing', () => {
    const directory = new AgentDirectory();
    directory.apply(event('agent.revoked', 'bo', 5));
    directory.apply(event('credential.issued', 'bo', 1));
    directory.apply(event('session.created', 'cy', 7));
    expect([directory.has('bo'), directory.has('cy')]).toEqual([false, false]);
  });

  it('asks the store only about names it has no event of and did not ask about; an event clears the absence', () => {
    const directory = new AgentDirectory(2);
    directory.apply(event('credential.issued', 'bo', 1));
    expect(directory.toLookUp(['bo', 'ghost'])).toEqual(['ghost']);
    directory.markAbsent('ghost');
    expect(directory.toLookUp(['bo', 'ghost'])).toEqual([]);
    directory.apply(event('credential.issued', 'ghost', 3));
    expect(directory.has('ghost')).toBe(true);
    // Bounded: the oldest absent names are forgotten (and asked about again).
    for (const name of ['x1', 'x2', 'x3']) directory.markAbsent(name);
    expect(directory.toLookUp(['x1', 'x2', 'x3'])).toEqual(['x1']);
  });
});
