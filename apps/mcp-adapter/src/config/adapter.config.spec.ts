import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterConfigError, loadAdapterConfig } from './adapter.config';

const credential = `lhc_${'A'.repeat(43)}`;
const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadAdapterConfig(env);
  } catch (error) {
    if (error instanceof AdapterConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('adapter configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lh-adapter-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given only an identity, uses the local gateway, no expert role and the user state dir', () => {
    const config = loadAdapterConfig({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL: credential, HOME: '/home/u', XDG_STATE_HOME: '/home/u/.state' });
    expect(config).toMatchObject({
      gatewayUrl: 'http://127.0.0.1:8765',
      agentId: 'dev-1',
      credential,
      expert: null,
      mount: '/mnt/lighthouse',
      hookOnAllow: 'allow',
      stateDir: '/home/u/.state/lighthouse',
    });
  });

  it('given a role, capacity and capabilities, registers as that expert', () => {
    const config = loadAdapterConfig({
      LIGHTHOUSE_URL: 'https://bridge.example.com/',
      LIGHTHOUSE_AGENT_ID: 'sec-1',
      LIGHTHOUSE_CREDENTIAL: credential,
      LIGHTHOUSE_ROLE: 'security_architect',
      LIGHTHOUSE_CAPACITY: '3',
      LIGHTHOUSE_CAPABILITIES: 'threat-model, code-review',
    });
    expect(config.gatewayUrl).toBe('https://bridge.example.com');
    expect(config.expert).toEqual({ role: 'security_architect', capacity: 3, capabilities: ['threat-model', 'code-review'], status: 'available' });
  });

  it('refuses a typo in a LIGHTHOUSE_ variable, a bad URL and a bad role, listing every problem', () => {
    const problems = problemsOf({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL: credential, LIGHTHOUSE_ROEL: 'x', LIGHTHOUSE_URL: 'ftp://x', LIGHTHOUSE_ROLE: 'Bad Role' });
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringContaining('LIGHTHOUSE_ROEL: unknown variable'), expect.stringContaining('LIGHTHOUSE_URL'), expect.stringContaining('LIGHTHOUSE_ROLE')]),
    );
  });

  it('says what is missing when there is no identity', () => {
    expect(problemsOf({})).toEqual([expect.stringContaining('LIGHTHOUSE_AGENT_ID: required'), expect.stringContaining('LIGHTHOUSE_CREDENTIAL or LIGHTHOUSE_CREDENTIAL_FILE: required')]);
  });

  it('reads the credential from a file: the bare credential, or the JSON an operator got from POST /admin/agents', () => {
    const bare = join(dir, 'bare');
    writeFileSync(bare, `${credential}\n`, { mode: 0o600 });
    expect(loadAdapterConfig({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL_FILE: bare })).toMatchObject({ agentId: 'a', credential });
    const issued = join(dir, 'issued.json');
    writeFileSync(issued, JSON.stringify({ agentId: 'rev-2', credential, issuedAt: '2026-01-01T00:00:00.000Z' }), { mode: 0o600 });
    expect(loadAdapterConfig({ LIGHTHOUSE_CREDENTIAL_FILE: issued })).toMatchObject({ agentId: 'rev-2', credential });
    expect(problemsOf({ LIGHTHOUSE_AGENT_ID: 'other', LIGHTHOUSE_CREDENTIAL_FILE: issued })).toEqual([expect.stringContaining('the credential file is for rev-2')]);
  });

  it('refuses a credential file others can read, and one that holds no credential', () => {
    const open = join(dir, 'open');
    writeFileSync(open, credential);
    chmodSync(open, 0o644);
    expect(problemsOf({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL_FILE: open })).toEqual([expect.stringContaining('chmod 600')]);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'password1', { mode: 0o600 });
    expect(problemsOf({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL_FILE: junk })).toEqual([expect.stringContaining('not a credential')]);
    expect(problemsOf({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL_FILE: join(dir, 'missing') })).toEqual([expect.stringContaining('ENOENT')]);
  });

  it('refuses capacity without a role', () => {
    expect(problemsOf({ LIGHTHOUSE_AGENT_ID: 'a', LIGHTHOUSE_CREDENTIAL: credential, LIGHTHOUSE_CAPACITY: '2' })).toEqual([expect.stringContaining('need LIGHTHOUSE_ROLE')]);
  });
});
