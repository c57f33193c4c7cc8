import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTER_ENV_VARIABLES, loadAdapterConfig } from '../config/adapter.config';
import { HOOK_KNOWN_VARIABLES, loadHookConfig } from './hook-config';

// The hook reads the adapter's configuration without zod; it must accept and refuse exactly what
// the adapter's schema does, or a typo the adapter refuses would pass the hook silently (or the
// other way round).
const credential = `lhc_${'A'.repeat(43)}`;
const id = { LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL: credential };

type Verdict = { ok: true; config: Record<string, unknown> } | { ok: false };
function verdict(load: () => Record<string, unknown>): Verdict {
  try {
    const c = load();
    return { ok: true, config: { gatewayUrl: c['gatewayUrl'], agentId: c['agentId'], credential: c['credential'], timeoutMs: c['timeoutMs'], connectTimeoutMs: c['connectTimeoutMs'], hookTimeoutMs: c['hookTimeoutMs'], hookOnAllow: c['hookOnAllow'], stateDir: c['stateDir'] } };
  } catch {
    return { ok: false };
  }
}

describe('the hook configuration, read without zod', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lh-hook-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows exactly the variables the adapter knows', () => {
    expect([...HOOK_KNOWN_VARIABLES].sort()).toEqual([...ADAPTER_ENV_VARIABLES].sort());
  });

  const file = (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };

  const cases: Array<[string, () => NodeJS.ProcessEnv]> = [
    ['identity only', () => ({ ...id, HOME: '/home/u' })],
    ['XDG state home', () => ({ ...id, XDG_STATE_HOME: '/x/state' })],
    ['https URL with trailing slashes', () => ({ ...id, LIGHTHOUSE_URL: 'https://bridge.example.com//' })],
    ['ftp URL', () => ({ ...id, LIGHTHOUSE_URL: 'ftp://bridge.example.com' })],
    ['not a URL', () => ({ ...id, LIGHTHOUSE_URL: 'bridge' })],
    ['empty values are unset', () => ({ ...id, LIGHTHOUSE_URL: '', LIGHTHOUSE_ROLE: '' })],
    ['bad agent id', () => ({ ...id, LIGHTHOUSE_AGENT_ID: 'dev 1' })],
    ['long agent id', () => ({ ...id, LIGHTHOUSE_AGENT_ID: 'a'.repeat(129) })],
    ['bad credential', () => ({ ...id, LIGHTHOUSE_CREDENTIAL: 'lhc_short' })],
    ['no credential', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1' })],
    ['no agent', () => ({ LIGHTHOUSE_CREDENTIAL: credential })],
    ['typo', () => ({ ...id, LIGHTHOUSE_HOOK_ON_ALOW: 'defer' })],
    ['on allow defer', () => ({ ...id, LIGHTHOUSE_HOOK_ON_ALLOW: 'defer' })],
    ['on allow always', () => ({ ...id, LIGHTHOUSE_HOOK_ON_ALLOW: 'always' })],
    ['on allow bad', () => ({ ...id, LIGHTHOUSE_HOOK_ON_ALLOW: 'yes' })],
    ['timeouts', () => ({ ...id, LIGHTHOUSE_TIMEOUT_MS: '2500', LIGHTHOUSE_CONNECT_TIMEOUT_MS: ' 60 ', LIGHTHOUSE_HOOK_TIMEOUT_MS: '1e3' })],
    ['hook timeout too small', () => ({ ...id, LIGHTHOUSE_HOOK_TIMEOUT_MS: '499' })],
    ['hook timeout not a number', () => ({ ...id, LIGHTHOUSE_HOOK_TIMEOUT_MS: 'soon' })],
    ['hook timeout fraction', () => ({ ...id, LIGHTHOUSE_HOOK_TIMEOUT_MS: '1000.5' })],
    ['heartbeat too large', () => ({ ...id, LIGHTHOUSE_HEARTBEAT_MS: '600001' })],
    ['fs timeout', () => ({ ...id, LIGHTHOUSE_FS_TIMEOUT_MS: '50' })],
    ['relative state dir', () => ({ ...id, LIGHTHOUSE_STATE_DIR: 'state' })],
    ['absolute state dir', () => ({ ...id, LIGHTHOUSE_STATE_DIR: '/var/lib/lh' })],
    ['relative mount', () => ({ ...id, LIGHTHOUSE_MOUNT: 'mnt' })],
    ['role with capabilities', () => ({ ...id, LIGHTHOUSE_ROLE: 'security_architect', LIGHTHOUSE_CAPACITY: '3', LIGHTHOUSE_CAPABILITIES: 'a, b:c' })],
    ['bad role', () => ({ ...id, LIGHTHOUSE_ROLE: 'Security' })],
    ['capacity without role', () => ({ ...id, LIGHTHOUSE_CAPACITY: '2' })],
    ['capacity zero', () => ({ ...id, LIGHTHOUSE_ROLE: 'qa', LIGHTHOUSE_CAPACITY: '0' })],
    ['bad capability', () => ({ ...id, LIGHTHOUSE_ROLE: 'qa', LIGHTHOUSE_CAPABILITIES: 'ok,not ok' })],
    ['credential file, bare', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL_FILE: file('bare', `${credential}\n`) })],
    ['credential file, JSON with agent', () => ({ LIGHTHOUSE_CREDENTIAL_FILE: file('json', JSON.stringify({ agentId: 'rev-1', credential, roles: ['qa'] })) })],
    ['credential file, other agent', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL_FILE: file('other', JSON.stringify({ agentId: 'rev-1', credential })) })],
    ['credential file and credential', () => ({ ...id, LIGHTHOUSE_CREDENTIAL_FILE: file('both', credential) })],
    ['credential file readable by others', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL_FILE: file('open', credential, 0o644) })],
    ['credential file missing', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL_FILE: join(dir, 'missing') })],
    ['credential file not a credential', () => ({ LIGHTHOUSE_AGENT_ID: 'dev-1', LIGHTHOUSE_CREDENTIAL_FILE: file('junk', '{"credential": 5}') })],
    ['credential file, bad agent id', () => ({ LIGHTHOUSE_CREDENTIAL_FILE: file('badagent', JSON.stringify({ agentId: 'a b', credential })) })],
  ];

  it.each(cases)('given %s, accepts or refuses as the adapter does, with the same values', (_name, env) => {
    const e = env();
    const hook = verdict(() => loadHookConfig(e) as unknown as Record<string, unknown>);
    const adapter = verdict(() => loadAdapterConfig(e) as unknown as Record<string, unknown>);
    expect(hook).toEqual(adapter);
  });

  it('refuses a typo with the variable named (so the hook blocks and says why)', () => {
    expect(() => loadHookConfig({ ...id, LIGHTHOUSE_HOOK_ON_ALOW: 'defer' })).toThrow(/LIGHTHOUSE_HOOK_ON_ALOW: unknown variable/);
  });
});
