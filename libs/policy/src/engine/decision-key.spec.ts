import { normalise } from '../tool/tool-call-normaliser';
import { canonicalForm, decisionKey } from './decision-key';

const context = { workspaceRoot: '/code/project', homeDir: '/home/agent' };
const keyOf = (command: string, ctx: Parameters<typeof normalise>[1] = context) => decisionKey(normalise({ tool: 'Bash', input: { command } }, ctx));

describe('decisionKey', () => {
  it('given spellings of the same command, when keyed, then they share one key', () => {
    const key = keyOf('git push -f origin main');
    for (const variant of ['git  push -f origin main', '/usr/bin/git push --force origin main', 'git push origin +main', "'g''it' push -f origin main"]) {
      expect(keyOf(variant)).toBe(key);
    }
    expect(keyOf('rm -rf /tmp/x')).toBe(keyOf('rm -fr /tmp/x'));
  });

  it('given commands that differ in meaning, when keyed, then the keys differ', () => {
    const key = keyOf('git push -f origin main');
    expect(keyOf('git push -f origin feature')).not.toBe(key);
    expect(keyOf('git push --force-with-lease origin main')).not.toBe(key);
    expect(keyOf('sudo git push -f origin main')).not.toBe(key);
    expect(keyOf('rm -rf build')).not.toBe(keyOf('rm -rf build', { ...context, workspaceRoot: '/other' }));
    expect(keyOf('rm -rf build')).not.toBe(keyOf('rm -rf build', { ...context, environment: 'pod' }));
  });

  it('given file content, when keyed, then the key is a versioned hash and the content is only hashed', () => {
    const call = normalise({ tool: 'Write', input: { file_path: 'a.ts', content: 'AKIAIOSFODNN7EXAMPLE' } }, context);
    expect(decisionKey(call)).toMatch(/^lh1:[0-9a-f]{64}$/);
    expect(canonicalForm(call)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
