import { RegistryKeys } from './registry-keys';

/** The cluster hash slot tag of a key: the text between the first `{` and the next `}`. */
const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

describe('registry keys', () => {
  const keys = new RegistryKeys('lh:test:');

  it('puts every key of one agent in the same hash slot', () => {
    const agentKeys = [
      keys.credential('agent-1'),
      keys.revokedAt('agent-1'),
      keys.session('agent-1', 's'.repeat(22)),
      keys.sessions('agent-1'),
      keys.nonce('agent-1', 'n'.repeat(16)),
      keys.expert('agent-1'),
    ];
    expect(new Set(agentKeys.map(hashTag))).toEqual(new Set(['agent-1']));
  });

  it('keeps agents apart, including ids that differ only after an @', () => {
    expect(keys.session('a@b', 's')).not.toBe(keys.session('a', 's'));
    expect(keys.expert('agent-1')).not.toBe(keys.expert('agent-10'));
  });

  it('starts every key with the prefix', () => {
    for (const key of [keys.credential('a'), keys.revokedAgents, keys.endedSessions, keys.expertsByRole('qa'), keys.expertRoles]) {
      expect(key.startsWith('lh:test:')).toBe(true);
    }
  });
});
